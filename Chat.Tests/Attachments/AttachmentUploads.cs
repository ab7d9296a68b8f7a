using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Attachments;

/// <summary>A client's side of attachments: announce, upload straight to storage, complete, and read back.</summary>
public static class AttachmentUploads
{
    public sealed record Grant(Guid AttachmentId, Uri UploadUrl, DateTimeOffset ExpiresAt);

    public sealed record Download(Guid AttachmentId, Guid ConversationId, long Size, string ContentType, string Sha256, Uri DownloadUrl);

    /// <summary>Storage, reached straight, as a client reaches it: no bearer token, only the grant in the URL.</summary>
    public static readonly HttpClient Storage = new();

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public static Task<HttpResponseMessage> AnnounceAsync(ApiClient api, Guid conversationId, long? size, string? contentType, string? sha256) =>
        api.PostAsync($"/api/conversations/{conversationId}/attachments", new { size, contentType, sha256 });

    public static async Task<Grant> AnnounceAsync(ApiClient api, Guid conversationId, byte[] bytes, string contentType = "image/png") =>
        await ApiClient.ReadAsync<Grant>(await AnnounceAsync(api, conversationId, bytes.Length, contentType, Sha256(bytes)), HttpStatusCode.Created);

    /// <summary>One Put Blob of the whole file, as the storage REST API takes it.</summary>
    public static Task<HttpResponseMessage> PutAsync(Uri url, byte[] bytes)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = new ByteArrayContent(bytes) };
        request.Headers.Add("x-ms-blob-type", "BlockBlob");
        request.Headers.Add("x-ms-version", "2023-11-03");
        return Storage.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public static Task<HttpResponseMessage> CompleteAsync(ApiClient api, Guid attachmentId) => api.PostAsync($"/api/attachments/{attachmentId}/complete");

    /// <summary>Announced, uploaded and completed: ready for a message.</summary>
    public static async Task<Guid> UploadAsync(ApiClient api, Guid conversationId, byte[] bytes, string contentType = "image/png")
    {
        var grant = await AnnounceAsync(api, conversationId, bytes, contentType);
        var put = await PutAsync(grant.UploadUrl, bytes);
        Assert.True(put.IsSuccessStatusCode, $"upload: {(int)put.StatusCode} {await put.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
        await ApiClient.ReadAsync<JsonElement>(await CompleteAsync(api, grant.AttachmentId));
        return grant.AttachmentId;
    }

    public static Task<HttpResponseMessage> GrantDownloadAsync(ApiClient api, Guid attachmentId) => api.GetAsync($"/api/attachments/{attachmentId}");

    public static async Task<byte[]> DownloadAsync(ApiClient api, Guid attachmentId)
    {
        var grant = await ApiClient.ReadAsync<Download>(await GrantDownloadAsync(api, attachmentId));
        return await Storage.GetByteArrayAsync(grant.DownloadUrl, TestContext.Current.CancellationToken);
    }

    public static string Code(JsonElement problem) => problem.GetProperty("code").GetString()!;
}
