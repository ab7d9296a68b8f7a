using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Chat.Tests.Infrastructure;

/// <summary>One request FCM received, with the status the stub answered.</summary>
public sealed record FcmRequest(string Token, JsonElement Message, int Status, string? Authorization);

/// <summary>
/// A local stand-in for the two Google endpoints the worker calls: the OAuth 2.0 token endpoint and FCM HTTP v1
/// <c>messages:send</c>. The worker's real client code talks to it. Its answers depend on the push token:
/// "unregistered-…" gets UNREGISTERED, "flaky-…" gets one 503 with Retry-After before a 200, anything else 200.
/// </summary>
public sealed class FcmStub : IAsyncDisposable
{
    public const string ProjectId = "chat-tests";
    public const string AccessToken = "stub-access-token";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<FcmRequest> _requests = new();
    private readonly ConcurrentDictionary<string, int> _flakyAttempts = new();
    private int _tokenRequests;

    private FcmStub(WebApplication app) => _app = app;

    public Uri Address { get; private set; } = null!;

    public IReadOnlyList<FcmRequest> Requests => [.. _requests];

    public int TokenRequests => _tokenRequests;

    public IReadOnlyList<FcmRequest> For(string token) => Requests.Where(r => r.Token == token).ToList();

    public static async Task<FcmStub> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var stub = new FcmStub(app);
        app.MapPost("/token", () =>
        {
            Interlocked.Increment(ref stub._tokenRequests);
            return Results.Json(new { access_token = AccessToken, expires_in = 3600, token_type = "Bearer" });
        });
        app.MapPost("/v1/projects/{project}/{action}", async (string project, string action, HttpContext context) =>
        {
            var body = await JsonSerializer.DeserializeAsync<JsonElement>(context.Request.Body);
            var token = body.GetProperty("message").GetProperty("token").GetString()!;
            var (status, answer) = stub.Answer(token);
            stub._requests.Enqueue(new FcmRequest(token, body.GetProperty("message"), status, context.Request.Headers.Authorization));
            if (status == 503)
            {
                context.Response.Headers.RetryAfter = "1";
            }

            return project == ProjectId && action == "messages:send" ? Results.Json(answer, statusCode: status) : Results.NotFound();
        });
        await app.StartAsync();
        stub.Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return stub;
    }

    /// <summary>A service-account key whose token endpoint is this stub; the RSA key is made for this run.</summary>
    public string ServiceAccountJson()
    {
        using var rsa = RSA.Create(2048);
        return new JsonObject
        {
            ["type"] = "service_account",
            ["project_id"] = ProjectId,
            ["private_key_id"] = "test",
            ["private_key"] = rsa.ExportPkcs8PrivateKeyPem(),
            ["client_email"] = "push@chat-tests.iam.gserviceaccount.com",
            ["client_id"] = "1",
            ["token_uri"] = new Uri(Address, "/token").ToString(),
        }.ToJsonString();
    }

    private (int Status, object Answer) Answer(string token)
    {
        if (token.StartsWith("unregistered-", StringComparison.Ordinal))
        {
            return (404, Error(404, "NOT_FOUND", "UNREGISTERED"));
        }

        if (token.StartsWith("flaky-", StringComparison.Ordinal) && _flakyAttempts.AddOrUpdate(token, 1, (_, n) => n + 1) == 1)
        {
            return (503, Error(503, "UNAVAILABLE", "UNAVAILABLE"));
        }

        return (200, new { name = $"projects/{ProjectId}/messages/{Guid.NewGuid():N}" });
    }

    private static object Error(int code, string status, string errorCode) => new
    {
        error = new
        {
            code,
            status,
            message = errorCode,
            details = new object[] { new Dictionary<string, string> { ["@type"] = "type.googleapis.com/google.firebase.fcm.v1.FcmError", ["errorCode"] = errorCode } },
        },
    };

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
