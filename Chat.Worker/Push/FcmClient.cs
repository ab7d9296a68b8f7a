using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Chat.Worker.Push;

public enum FcmOutcome
{
    Sent,

    /// <summary>UNREGISTERED or INVALID_ARGUMENT: the token is dead and must not be used again.</summary>
    TokenRejected,

    /// <summary>Still 429 or 5xx after every retry, or another error: this push is dropped.</summary>
    Failed,
}

/// <summary>
/// Sends one message to <c>POST {base}/v1/projects/{projectId}/messages:send</c>. Retries of 429 and 5xx answers
/// happen in the HTTP pipeline (see PushServiceExtensions), so a result here is final.
/// </summary>
public sealed class FcmClient(HttpClient http, FcmCredentials credentials)
{
    public async Task<(FcmOutcome Outcome, string Reason)> SendAsync(JsonObject message, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"v1/projects/{credentials.ProjectId}/messages:send")
        {
            Content = JsonContent.Create(message),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await credentials.GetAccessTokenAsync(cancellationToken));
        using var response = await http.SendAsync(request, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return (FcmOutcome.Sent, "ok");
        }

        var errorCode = await ErrorCodeAsync(response, cancellationToken);
        return errorCode is "UNREGISTERED" or "INVALID_ARGUMENT"
            ? (FcmOutcome.TokenRejected, errorCode)
            : (FcmOutcome.Failed, errorCode ?? ((int)response.StatusCode).ToString());
    }

    /// <summary>The FcmError code from the error details, else the status ("UNAVAILABLE", ...).</summary>
    private static async Task<string?> ErrorCodeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            var error = body.GetProperty("error");
            if (error.TryGetProperty("details", out var details))
            {
                foreach (var detail in details.EnumerateArray())
                {
                    if (detail.TryGetProperty("errorCode", out var code))
                    {
                        return code.GetString();
                    }
                }
            }

            return error.TryGetProperty("status", out var status) ? status.GetString() : null;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }
}
