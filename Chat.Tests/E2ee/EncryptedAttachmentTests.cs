using System.Net;
using System.Text;
using System.Text.Json;
using Chat.Client.Crypto;
using Chat.Tests.Attachments;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.E2ee;

/// <summary>A file encrypted on the device (docs/e2ee.md, "Attachments"): storage holds ciphertext, the key rides in the encrypted message.</summary>
public sealed class EncryptedAttachmentTests(ChatApp chat) : DistributedTest(chat)
{
    private sealed record FileDescription(string Type, string Key, string Sha256, long Size, string ContentType, string Name);

    [Fact]
    public async Task An_encrypted_file_is_ciphertext_in_storage_and_opens_with_the_key_from_the_encrypted_message()
    {
        await using var alice = await Party.RegisterAsync(Chat, Chat.RealtimeNodes[0]);
        await using var bob = await Party.RegisterAsync(Chat, Chat.RealtimeNodes[1]);
        Guid conversation;
        using (var rest = await alice.RestAsync())
        {
            var created = await ApiClient.ReadAsync<JsonElement>(await rest.PostAsync("/api/conversations", new { kind = "direct", userId = bob.UserId }), HttpStatusCode.Created);
            conversation = created.GetProperty("id").GetGuid();
        }

        using (var rest = await bob.RestAsync())
        {
            await Conversations.AnswerAsync(rest, conversation);
        }

        // A recognisable plaintext of several chunks, the last one short.
        var marker = Encoding.UTF8.GetBytes($"PLAINTEXT-MARKER-{Guid.NewGuid():N}");
        var plaintext = Enumerable.Range(0, 3 * AttachmentCipher.ChunkSize / marker.Length + 7).SelectMany(_ => marker).ToArray();
        var key = AttachmentCipher.NewKey();
        var ciphertext = AttachmentCipher.Encrypt(key, plaintext);
        Assert.Equal(AttachmentCipher.CiphertextLength(plaintext.Length), ciphertext.Length);

        Guid attachmentId;
        using (var rest = await alice.RestAsync())
        {
            attachmentId = await AttachmentUploads.UploadAsync(rest, conversation, ciphertext, "application/octet-stream");
        }

        var description = new FileDescription("attachment", Convert.ToBase64String(key), AttachmentUploads.Sha256(plaintext), plaintext.Length, "text/plain", "notes.txt");
        await alice.Messenger.SendAsync(conversation, JsonSerializer.Serialize(description, JsonSerializerOptions.Web), cancellationToken: TestContext.Current.CancellationToken, attachmentId: attachmentId);
        await bob.WaitForAsync(p => p.Received.Any(m => m.AttachmentId == attachmentId), "the attachment message");

        var received = JsonSerializer.Deserialize<FileDescription>(bob.Received.Single(m => m.AttachmentId == attachmentId).Text, JsonSerializerOptions.Web)!;
        byte[] stored;
        using (var rest = await bob.RestAsync())
        {
            stored = await AttachmentUploads.DownloadAsync(rest, attachmentId);
        }

        // What storage holds is the ciphertext: no chunk of the plaintext, nor its marker, is in it.
        Assert.Equal(ciphertext, stored);
        Assert.Equal(-1, stored.AsSpan().IndexOf(marker));
        var opened = AttachmentCipher.Decrypt(Convert.FromBase64String(received.Key), stored);
        Assert.Equal(plaintext, opened);
        Assert.Equal(received.Sha256, AttachmentUploads.Sha256(opened));

        // Chunks cannot be cut off or swapped.
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => AttachmentCipher.Decrypt(key, stored.AsSpan(0, 2 * (AttachmentCipher.ChunkSize + 16))));
        var swapped = (byte[])stored.Clone();
        stored.AsSpan(0, AttachmentCipher.ChunkSize + 16).CopyTo(swapped.AsSpan(AttachmentCipher.ChunkSize + 16));
        stored.AsSpan(AttachmentCipher.ChunkSize + 16, AttachmentCipher.ChunkSize + 16).CopyTo(swapped);
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => AttachmentCipher.Decrypt(key, swapped));
    }
}
