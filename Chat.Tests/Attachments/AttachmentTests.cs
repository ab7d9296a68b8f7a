using System.Net;
using System.Text;
using Chat.Tests.Infrastructure;
using Chat.Tests.Messages;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using static Chat.Tests.Attachments.AttachmentUploads;

namespace Chat.Tests.Attachments;

/// <summary>Attachments through the real AppHost: grants from the API, bytes straight to the storage emulator (Azurite).</summary>
public sealed class AttachmentTests(ChatApp chat) : DistributedTest(chat)
{
    [Fact]
    public async Task A_file_goes_up_and_down_through_grants_and_its_message_reaches_the_other_member()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var conversation = await Conversations.DirectAsync(Chat, alice, bob);
        using var aliceApi = alice.Api(Chat);
        using var bobApi = bob.Api(Chat);
        await using var bobClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[1], bob.Tokens.AccessToken);
        await using var aliceClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[0], alice.Tokens.AccessToken);
        var photo = RandomBytes(300_000);

        var grant = await AnnounceAsync(aliceApi, conversation, photo);
        Assert.InRange(grant.ExpiresAt - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));
        // The grant names one blob: the same signature for another name is refused.
        var elsewhere = new UriBuilder(grant.UploadUrl) { Path = grant.UploadUrl.AbsolutePath[..(grant.UploadUrl.AbsolutePath.LastIndexOf('/') + 1)] + "someone-elses" }.Uri;
        Assert.Equal(HttpStatusCode.Forbidden, (await PutAsync(elsewhere, photo)).StatusCode);
        // The uploader claims a web page; storage serves the announced type, as a download, all the same.
        var put = new HttpRequestMessage(HttpMethod.Put, grant.UploadUrl) { Content = new ByteArrayContent(photo) };
        put.Headers.Add("x-ms-blob-type", "BlockBlob");
        put.Headers.Add("x-ms-blob-content-type", "text/html");
        Assert.Equal(HttpStatusCode.Created, (await Storage.SendAsync(put, TestContext.Current.CancellationToken)).StatusCode);
        // Write-once: the grant cannot replace the file it made.
        Assert.False((await PutAsync(grant.UploadUrl, RandomBytes(photo.Length))).IsSuccessStatusCode);
        await ApiClient.ReadAsync<System.Text.Json.JsonElement>(await CompleteAsync(aliceApi, grant.AttachmentId));

        var content = """{"name":"beach.png","width":640,"height":480}""";
        var ack = await aliceClient.Connection.InvokeAsync<MessageAck>("SendMessage",
            new { conversationId = conversation, clientMessageId = Guid.NewGuid().ToString(), content, attachmentId = grant.AttachmentId },
            TestContext.Current.CancellationToken);
        await bobClient.WaitUntilAsync(c => c.MessagesIn(conversation).Any(m => m.MessageId == ack.MessageId));
        var received = bobClient.MessagesIn(conversation).Single(m => m.MessageId == ack.MessageId);
        Assert.Equal(("attachment", content), (received.Kind, received.Content));
        Assert.Equal(grant.AttachmentId, received.AttachmentId);
        var history = await bobClient.SyncAsync([(conversation, 0)]);
        Assert.Equal(grant.AttachmentId, history.Messages.Single(m => m.MessageId == ack.MessageId).AttachmentId);

        Assert.Equal(photo, await DownloadAsync(bobApi, grant.AttachmentId));
        var download = await ApiClient.ReadAsync<Download>(await GrantDownloadAsync(bobApi, grant.AttachmentId));
        Assert.Equal((photo.Length, "image/png", Sha256(photo)), (download.Size, download.ContentType, download.Sha256));
        using (var served = await Storage.GetAsync(download.DownloadUrl, TestContext.Current.CancellationToken))
        {
            Assert.Equal("image/png", served.Content.Headers.ContentType?.MediaType);
            Assert.Equal("attachment", served.Content.Headers.ContentDisposition?.DispositionType);
        }

        // Read-only: the download grant writes nothing.
        Assert.False((await PutAsync(download.DownloadUrl, photo)).IsSuccessStatusCode);

        // One message per file.
        var again = await Assert.ThrowsAsync<HubException>(() => aliceClient.Connection.InvokeAsync<MessageAck>("SendMessage",
            new { conversationId = conversation, clientMessageId = Guid.NewGuid().ToString(), content, attachmentId = grant.AttachmentId },
            TestContext.Current.CancellationToken));
        Assert.StartsWith("attachment_in_use:", again.Message);

        // Its text describes the file (and, encrypted, holds its key): deleted, never edited.
        var edit = await Assert.ThrowsAsync<HubException>(() => aliceClient.Connection.InvokeAsync<MessageAck>("EditMessage",
            new { conversationId = conversation, messageId = ack.MessageId, content = "{}" }, TestContext.Current.CancellationToken));
        Assert.StartsWith("message_not_found:", edit.Message);
    }

    [Fact]
    public async Task Bad_announcements_and_uploads_get_their_code_and_store_nothing()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var mallory = await TestUser.RegisterAsync(Chat);
        var conversation = await Conversations.DirectAsync(Chat, alice, bob);
        using var aliceApi = alice.Api(Chat);
        using var malloryApi = mallory.Api(Chat);
        var file = RandomBytes(10_000);

        async Task<string> Refused(HttpResponseMessage response, HttpStatusCode status) => Code(await ApiClient.ReadProblemAsync(response, status));

        Assert.Equal("attachment_too_large", await Refused(await AnnounceAsync(aliceApi, conversation, 0, "image/png", Sha256(file)), HttpStatusCode.BadRequest));
        Assert.Equal("attachment_too_large", await Refused(await AnnounceAsync(aliceApi, conversation, ChatApp.AttachmentMaxSize + 1, "image/png", Sha256(file)), HttpStatusCode.BadRequest));
        Assert.Equal("content_type_not_allowed", await Refused(await AnnounceAsync(aliceApi, conversation, file.Length, "application/x-msdownload", Sha256(file)), HttpStatusCode.BadRequest));
        Assert.Equal("invalid_argument", await Refused(await AnnounceAsync(aliceApi, conversation, file.Length, "image/png", "not-a-hash"), HttpStatusCode.BadRequest));
        Assert.Equal("not_member", await Refused(await AnnounceAsync(malloryApi, conversation, file.Length, "image/png", Sha256(file)), HttpStatusCode.Forbidden));

        // Nothing uploaded yet: not complete, and no message may carry it.
        var pending = await AnnounceAsync(aliceApi, conversation, file);
        Assert.Equal("attachment_not_uploaded", await Refused(await CompleteAsync(aliceApi, pending.AttachmentId), HttpStatusCode.Conflict));
        var post = await aliceApi.PostAsync($"/api/conversations/{conversation}/messages",
            new { clientMessageId = Guid.NewGuid().ToString(), content = "x", attachmentId = pending.AttachmentId });
        Assert.Equal("attachment_not_uploaded", await Refused(post, HttpStatusCode.Conflict));
        Assert.Equal("attachment_not_found", await Refused(await CompleteAsync(malloryApi, pending.AttachmentId), HttpStatusCode.NotFound));
        Assert.Equal("attachment_not_found", await Refused(await GrantDownloadAsync(malloryApi, pending.AttachmentId), HttpStatusCode.NotFound));

        // Other bytes than announced: refused at completion, and the blob goes.
        var tampered = (byte[])file.Clone();
        tampered[0] ^= 1;
        Assert.Equal(HttpStatusCode.Created, (await PutAsync(pending.UploadUrl, tampered)).StatusCode);
        Assert.Equal("attachment_mismatch", await Refused(await CompleteAsync(aliceApi, pending.AttachmentId), HttpStatusCode.UnprocessableEntity));
        var shorter = await AnnounceAsync(aliceApi, conversation, file);
        Assert.Equal(HttpStatusCode.Created, (await PutAsync(shorter.UploadUrl, file[..^1])).StatusCode);
        Assert.Equal("attachment_mismatch", await Refused(await CompleteAsync(aliceApi, shorter.AttachmentId), HttpStatusCode.UnprocessableEntity));
        Assert.Equal("attachment_not_found", await Refused(await CompleteAsync(aliceApi, shorter.AttachmentId), HttpStatusCode.NotFound));

        // Someone else's file cannot be carried by my message, even in a conversation we share.
        using var bobApi = bob.Api(Chat);
        var bobs = await UploadAsync(bobApi, conversation, file);
        post = await aliceApi.PostAsync($"/api/conversations/{conversation}/messages",
            new { clientMessageId = Guid.NewGuid().ToString(), content = "x", attachmentId = bobs });
        Assert.Equal("attachment_not_found", await Refused(post, HttpStatusCode.NotFound));

        // An expired grant writes nothing.
        var late = await AnnounceAsync(aliceApi, conversation, file);
        await Task.Delay(late.ExpiresAt - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Forbidden, (await PutAsync(late.UploadUrl, file)).StatusCode);
        Assert.Equal("attachment_not_uploaded", await Refused(await CompleteAsync(aliceApi, late.AttachmentId), HttpStatusCode.Conflict));
    }

    [Fact]
    public async Task The_quota_counts_what_is_stored_and_frees_up_when_a_message_and_its_file_are_deleted()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var conversation = await Conversations.DirectAsync(Chat, alice, bob);
        using var aliceApi = alice.Api(Chat);
        using var bobApi = bob.Api(Chat);
        await using var aliceClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[0], alice.Tokens.AccessToken);
        var big = RandomBytes((int)ChatApp.AttachmentMaxSize);
        var fits = (int)(ChatApp.AttachmentQuota / ChatApp.AttachmentMaxSize);

        var ids = new List<Guid>();
        for (var i = 0; i < fits; i++)
        {
            ids.Add(await UploadAsync(aliceApi, conversation, big, "application/octet-stream"));
        }

        var over = await AnnounceAsync(aliceApi, conversation, big.Length, "application/octet-stream", Sha256(big));
        Assert.Equal("quota_exceeded", Code(await ApiClient.ReadProblemAsync(over, HttpStatusCode.RequestEntityTooLarge)));

        // A message carries the first file; deleting the message deletes the file, and its room comes back.
        var ack = await aliceClient.Connection.InvokeAsync<MessageAck>("SendMessage",
            new { conversationId = conversation, clientMessageId = Guid.NewGuid().ToString(), content = "{}", attachmentId = ids[0] },
            TestContext.Current.CancellationToken);
        var grant = await ApiClient.ReadAsync<Download>(await GrantDownloadAsync(bobApi, ids[0]));
        await aliceClient.Connection.InvokeAsync<MessageAck>("DeleteMessage", new { conversationId = conversation, messageId = ack.MessageId },
            TestContext.Current.CancellationToken);
        Assert.Equal("attachment_not_found", Code(await ApiClient.ReadProblemAsync(await GrantDownloadAsync(bobApi, ids[0]), HttpStatusCode.NotFound)));
        await Eventually.HoldsAsync(async () => (await Storage.GetAsync(grant.DownloadUrl, TestContext.Current.CancellationToken)).StatusCode == HttpStatusCode.NotFound,
            TimeSpan.FromSeconds(30), () => "the deleted message's blob is still there");
        await Eventually.HoldsAsync(async () => (await AnnounceAsync(aliceApi, conversation, big.Length, "application/octet-stream", Sha256(big))).IsSuccessStatusCode,
            TimeSpan.FromSeconds(10), () => "the deleted file still counts in the quota");
    }

    [Fact]
    public async Task A_removed_member_gets_no_grant_and_an_unused_upload_is_deleted_after_its_time()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var carol = await TestUser.RegisterAsync(Chat);
        var group = await Conversations.GroupAsync(Chat, alice, [bob, carol]);
        using var aliceApi = alice.Api(Chat);
        using var carolApi = carol.Api(Chat);
        using var bobApi = bob.Api(Chat);
        await using var aliceClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[0], alice.Tokens.AccessToken);
        var file = RandomBytes(50_000);

        var sent = await UploadAsync(aliceApi, group, file);
        await aliceClient.Connection.InvokeAsync<MessageAck>("SendMessage",
            new { conversationId = group, clientMessageId = Guid.NewGuid().ToString(), content = "{}", attachmentId = sent }, TestContext.Current.CancellationToken);
        Assert.Equal(file, await DownloadAsync(carolApi, sent));
        Assert.True((await aliceApi.DeleteAsync($"/api/conversations/{group}/members/{carol.Id}")).IsSuccessStatusCode);
        Assert.Equal("attachment_not_found", Code(await ApiClient.ReadProblemAsync(await GrantDownloadAsync(carolApi, sent), HttpStatusCode.NotFound)));
        Assert.Equal(file, await DownloadAsync(bobApi, sent));

        // Uploaded, never sent: only its uploader may read it, until the worker deletes it.
        var unused = await UploadAsync(aliceApi, group, file);
        Assert.Equal("attachment_not_found", Code(await ApiClient.ReadProblemAsync(await GrantDownloadAsync(bobApi, unused), HttpStatusCode.NotFound)));
        var grant = await ApiClient.ReadAsync<Download>(await GrantDownloadAsync(aliceApi, unused));
        Assert.Equal(file, await Storage.GetByteArrayAsync(grant.DownloadUrl, TestContext.Current.CancellationToken));
        await Eventually.HoldsAsync(async () => (await Storage.GetAsync(grant.DownloadUrl, TestContext.Current.CancellationToken)).StatusCode == HttpStatusCode.NotFound,
            ChatApp.AttachmentUnusedFor + TimeSpan.FromSeconds(30), () => "the unused upload is still there");
        Assert.Equal(file, await DownloadAsync(bobApi, sent));
    }

    private static byte[] RandomBytes(int length) => System.Security.Cryptography.RandomNumberGenerator.GetBytes(length);
}
