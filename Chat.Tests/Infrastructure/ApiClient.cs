using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Chat.Tests.Infrastructure;

/// <summary>
/// An HTTP client for the API that looks like its own client machine: a distinct X-Forwarded-For address (the
/// API trusts it from loopback), so per-address rate limits of one test never meet another test's traffic.
/// </summary>
public sealed class ApiClient : IDisposable
{
    private static int _nextAddress;
    private readonly HttpClient _http;

    public ApiClient(ChatApp chat, string? accessToken = null)
    {
        _http = FromOwnAddress(chat);
        ClientAddress = _http.DefaultRequestHeaders.GetValues("X-Forwarded-For").Single();
        AccessToken = accessToken;
    }

    /// <summary>
    /// An HTTP client of the API that comes, as the tests' ingress on loopback says, from an address of its own:
    /// the per-address limits then count each test client apart, as they would separate people.
    /// </summary>
    public static HttpClient FromOwnAddress(ChatApp chat)
    {
        var http = chat.CreateApiClient();
        http.DefaultRequestHeaders.Add("X-Forwarded-For",
            $"10.{Random.Shared.Next(1, 250)}.{Interlocked.Increment(ref _nextAddress) % 250}.{Random.Shared.Next(1, 250)}");
        return http;
    }

    public string ClientAddress { get; }

    public string? AccessToken
    {
        get => _http.DefaultRequestHeaders.Authorization?.Parameter;
        set => _http.DefaultRequestHeaders.Authorization = value is null ? null : new AuthenticationHeaderValue("Bearer", value);
    }

    public Task<HttpResponseMessage> GetAsync(string path) => _http.GetAsync(path, TestContext.Current.CancellationToken);

    public Task<HttpResponseMessage> DeleteAsync(string path) => _http.DeleteAsync(path, TestContext.Current.CancellationToken);

    public Task<HttpResponseMessage> PostAsync<T>(string path, T body) =>
        _http.PostAsJsonAsync(path, body, TestContext.Current.CancellationToken);

    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request) => _http.SendAsync(request, TestContext.Current.CancellationToken);

    public Task<HttpResponseMessage> PostAsync(string path) => _http.PostAsync(path, null, TestContext.Current.CancellationToken);

    public Task<HttpResponseMessage> PutAsync<T>(string path, T body) =>
        _http.PutAsJsonAsync(path, body, TestContext.Current.CancellationToken);

    public Task<HttpResponseMessage> PatchAsync<T>(string path, T body) =>
        _http.PatchAsJsonAsync(path, body, TestContext.Current.CancellationToken);

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<T>(body, JsonSerializerOptions.Web)!;
    }

    /// <summary>Asserts an RFC 7807 problem with the given status and returns it.</summary>
    public static async Task<JsonElement> ReadProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        return problem;
    }

    public void Dispose() => _http.Dispose();
}
