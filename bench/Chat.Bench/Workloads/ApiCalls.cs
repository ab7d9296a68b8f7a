using System.Net.Http.Json;
using System.Text.Json;

namespace Chat.Bench.Workloads;

/// <summary>The REST calls the workloads that drive the API themselves share: an account, and an answer read or refused.</summary>
public static class ApiCalls
{
    public sealed record Registered(Guid UserId, string AccessToken);

    public static async Task<Registered> RegisterAsync(HttpClient http, CancellationToken cancellationToken)
    {
        var username = $"bench{Guid.NewGuid():N}"[..24];
        var tokens = await ReadAsync(await http.PostAsJsonAsync("/api/auth/register",
            new { username, password = "correct horse battery", displayName = username }, cancellationToken));
        return new Registered(tokens.GetProperty("userId").GetGuid(), tokens.GetProperty("accessToken").GetString()!);
    }

    /// <summary>The answer's JSON (default for an empty body); a failure throws with the status and the problem.</summary>
    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{(int)response.StatusCode} from {response.RequestMessage?.RequestUri}: {body}");
        }

        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone();
    }
}
