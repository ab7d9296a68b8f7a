using System.Net.Http.Json;
using System.Text.Json;

namespace Chat.Client.Api;

/// <summary>
/// The REST API as one signed-in device uses it. It keeps the device's tokens and rotates them: an access token
/// close to expiry is replaced through the refresh token, whose successor replaces it (each is single-use).
/// </summary>
public sealed class ChatApi : IDisposable
{
    private static readonly TimeSpan RefreshAhead = TimeSpan.FromSeconds(30);

    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private TokenPair _tokens;
    private DateTimeOffset _expiresAt;

    private ChatApi(HttpClient http, TokenPair tokens, TimeProvider time)
    {
        _http = http;
        _time = time;
        _tokens = tokens;
        _expiresAt = time.GetUtcNow().AddSeconds(tokens.ExpiresIn);
    }

    public Guid UserId => _tokens.UserId;
    public Guid DeviceId => _tokens.DeviceId;

    /// <summary>The current refresh token, for an application that keeps the sign-in across restarts.</summary>
    public string RefreshToken => _tokens.RefreshToken;

    public static async Task<ChatApi> RegisterAsync(HttpClient http, string username, string password, string displayName, TimeProvider? time = null) =>
        new(http, await ReadAsync<TokenPair>(await http.PostAsJsonAsync("/api/auth/register", new { username, password, displayName })), time ?? TimeProvider.System);

    public static async Task<ChatApi> LoginAsync(HttpClient http, string username, string password, string deviceName, TimeProvider? time = null) =>
        new(http, await ReadAsync<TokenPair>(await http.PostAsJsonAsync("/api/auth/login", new { username, password, deviceName })), time ?? TimeProvider.System);

    /// <summary>A valid access token, refreshed first when it expires within 30 s: what the hub connection asks for on each (re)connect.</summary>
    public async Task<string> AccessTokenAsync(CancellationToken cancellationToken = default)
    {
        if (_time.GetUtcNow() < _expiresAt - RefreshAhead)
        {
            return _tokens.AccessToken;
        }

        await _refreshing.WaitAsync(cancellationToken);
        try
        {
            if (_time.GetUtcNow() >= _expiresAt - RefreshAhead)
            {
                var refreshed = await ReadAsync<TokenPair>(await _http.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = _tokens.RefreshToken }, cancellationToken));
                (_tokens, _expiresAt) = (refreshed, _time.GetUtcNow().AddSeconds(refreshed.ExpiresIn));
            }

            return _tokens.AccessToken;
        }
        finally
        {
            _refreshing.Release();
        }
    }

    public async Task PublishKeysAsync(PublishKeysJson keys, CancellationToken cancellationToken = default) =>
        await ReadAsync<JsonElement?>(await SendAsync(HttpMethod.Put, "/api/devices/current/keys", keys, cancellationToken));

    public async Task AddPrekeysAsync(IReadOnlyList<PrekeyJson> prekeys, CancellationToken cancellationToken = default) =>
        await ReadAsync<JsonElement>(await SendAsync(HttpMethod.Post, "/api/devices/current/prekeys", new { oneTimePrekeys = prekeys }, cancellationToken));

    /// <summary>A bundle per device of the user; with <paramref name="oneTimePrekeys"/>, each fetch takes one one-time prekey per device.</summary>
    public async Task<UserKeysJson> FetchKeysAsync(Guid userId, bool oneTimePrekeys = true, CancellationToken cancellationToken = default) =>
        await ReadAsync<UserKeysJson>(await SendAsync(HttpMethod.Get, $"/api/users/{userId}/keys?oneTimePrekeys={(oneTimePrekeys ? "true" : "false")}", null, cancellationToken));

    public async Task<ConversationJson> ConversationAsync(Guid conversationId, CancellationToken cancellationToken = default) =>
        await ReadAsync<ConversationJson>(await SendAsync(HttpMethod.Get, $"/api/conversations/{conversationId}", null, cancellationToken));

    public void Dispose() => _refreshing.Dispose();

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body, options: JsonSerializerOptions.Web) };
        request.Headers.Authorization = new("Bearer", await AccessTokenAsync(cancellationToken));
        return await _http.SendAsync(request, cancellationToken);
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response)
    {
        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var problem = response.Content.Headers.ContentLength is 0 ? default : await response.Content.ReadFromJsonAsync<JsonElement>();
                var code = problem.ValueKind == JsonValueKind.Object && problem.TryGetProperty("code", out var c) ? c.GetString() : null;
                throw new ChatApiException(response.StatusCode, code, problem);
            }

            return response.StatusCode == System.Net.HttpStatusCode.NoContent
                ? default!
                : (await response.Content.ReadFromJsonAsync<T>(JsonSerializerOptions.Web))!;
        }
    }
}
