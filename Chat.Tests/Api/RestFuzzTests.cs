using System.Net;
using System.Text;
using System.Text.Json;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Api;

/// <summary>
/// Every route of the OpenAPI document gets malformed and type-confused JSON, and every query parameter a value
/// of the wrong type: each answer is a 4xx problem, never a server error, and nothing is stored.
/// </summary>
public sealed class RestFuzzTests(ChatApp chat) : DistributedTest(chat)
{
    private static readonly string[] Bodies =
    [
        "{\"a\":", "not json", "[]", "\"text\"", "123", "null", "true", "{}",
        new string('[', 100) + new string(']', 100),
        "{\"username\":1,\"password\":[],\"displayName\":{},\"title\":7,\"kind\":[],\"userId\":\"not-a-guid\",\"memberIds\":\"x\",\"content\":1,\"clientMessageId\":{},\"refreshToken\":5,\"platform\":1,\"pushToken\":[],\"deviceName\":true}",
        "{\"memberIds\":[\"not-a-guid\"],\"kind\":\"group\",\"title\":\"t\"}",
        "{\"title\":\"\\u0000\",\"content\":\"\\u0000\",\"displayName\":\"\\u202e\",\"deviceName\":\"\\u0007\"}",
    ];

    [Fact]
    public async Task Malformed_bodies_and_queries_get_a_4xx_problem_on_every_route_and_store_nothing()
    {
        var mallory = await TestUser.RegisterAsync(Chat);
        using var api = mallory.Api(Chat);
        var document = await ApiClient.ReadAsync<JsonElement>(await api.GetAsync("/openapi/v1.json"));
        var tried = 0;
        var failures = new List<string>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                var method = new HttpMethod(operation.Name.ToUpperInvariant());
                var url = FillPath(path.Name);
                if (operation.Value.TryGetProperty("requestBody", out _))
                {
                    foreach (var body in Bodies)
                    {
                        failures.AddRange(await CheckAsync(mallory.Tokens.AccessToken, method, url, new StringContent(body, Encoding.UTF8, "application/json")));
                        tried++;
                    }

                    failures.AddRange(await CheckAsync(mallory.Tokens.AccessToken, method, url, new ByteArrayContent([0x7b, 0xff, 0xfe, 0x7d]) { Headers = { { "Content-Type", "application/json" } } }));
                    failures.AddRange(await CheckAsync(mallory.Tokens.AccessToken, method, url, new StringContent("{}", Encoding.UTF8, "text/plain")));
                    tried += 2;
                }

                foreach (var parameter in Parameters(operation.Value, "query"))
                {
                    failures.AddRange(await CheckAsync(mallory.Tokens.AccessToken, method, $"{url}?{parameter}=%00not-a-number-%ff", null, allowSuccess: parameter is "query"));
                    tried++;
                }
            }
        }

        Assert.True(tried > 100, $"only {tried} requests");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        var conversations = await ApiClient.ReadAsync<JsonElement>(await api.GetAsync("/api/conversations"));
        Assert.Empty(conversations.GetProperty("conversations").EnumerateArray());
        TestContext.Current.TestOutputHelper?.WriteLine($"{tried} malformed requests");
    }

    private async Task<IEnumerable<string>> CheckAsync(string accessToken, HttpMethod method, string url, HttpContent? content, bool allowSuccess = false)
    {
        // Each request from its own address: register, login and refresh are limited per address.
        using var api = new ApiClient(Chat, accessToken);
        using var request = new HttpRequestMessage(method, url) { Content = content };
        var response = await api.SendAsync(request);
        var status = (int)response.StatusCode;
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            // The per-user budget ran out: wait it out, and ask again.
            await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
            return await CheckAsync(accessToken, method, url, content is null ? null : await CloneAsync(content), allowSuccess);
        }

        if (status is >= 400 and < 500 && response.Content.Headers.ContentType?.MediaType == "application/problem+json" || allowSuccess && status < 300)
        {
            return [];
        }

        return [$"{method} {url} {(content is null ? "" : await content.ReadAsStringAsync())[..Math.Min(40, content is null ? 0 : (int)(content.Headers.ContentLength ?? 0))]} → {status} {response.Content.Headers.ContentType} {body[..Math.Min(200, body.Length)]}"];
    }

    private static async Task<HttpContent> CloneAsync(HttpContent content)
    {
        var clone = new ByteArrayContent(await content.ReadAsByteArrayAsync());
        clone.Headers.ContentType = content.Headers.ContentType;
        return clone;
    }

    private static IEnumerable<string> Parameters(JsonElement operation, string where) =>
        operation.TryGetProperty("parameters", out var parameters)
            ? parameters.EnumerateArray().Where(p => p.GetProperty("in").GetString() == where).Select(p => p.GetProperty("name").GetString()!)
            : [];

    private static string FillPath(string template) =>
        System.Text.RegularExpressions.Regex.Replace(template, "{[^}]+}", _ => Guid.NewGuid().ToString());
}
