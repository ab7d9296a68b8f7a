using System.Text.Json;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Api;

public sealed class OpenApiDocumentTests(ChatApp chat) : DistributedTest(chat)
{
    [Theory]
    [InlineData("/api/auth/register", "post", "201")]
    [InlineData("/api/auth/login", "post", "200")]
    [InlineData("/api/auth/refresh", "post", "200")]
    [InlineData("/api/auth/logout", "post", "204")]
    [InlineData("/api/users/me", "get", "200")]
    [InlineData("/api/users", "get", "200")]
    [InlineData("/api/users/{id}", "get", "200")]
    [InlineData("/api/devices", "get", "200")]
    [InlineData("/api/devices", "post", "200")]
    [InlineData("/api/devices/{id}", "delete", "204")]
    [InlineData("/api/realtime/endpoint", "get", "200")]
    public async Task The_development_document_describes_every_endpoint(string path, string method, string status)
    {
        using var api = new ApiClient(Chat);
        var document = await ApiClient.ReadAsync<JsonElement>(await api.GetAsync("/openapi/v1.json"));
        var operation = document.GetProperty("paths").GetProperty(path).GetProperty(method);
        Assert.True(operation.GetProperty("responses").TryGetProperty(status, out _), $"{method} {path} documents {status}");
        if (method == "post" && !path.EndsWith("logout"))
        {
            Assert.True(operation.TryGetProperty("requestBody", out _), $"{method} {path} documents its request body");
        }
    }
}
