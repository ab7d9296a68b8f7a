using System.Net;
using System.Text.Json;

namespace Chat.Client.Api;

/// <summary>A refusal of the REST API: its status, the problem's <c>code</c> when it has one, and the problem itself.</summary>
public sealed class ChatApiException(HttpStatusCode status, string? code, JsonElement problem)
    : Exception($"{(int)status} {code}: {(problem.ValueKind == JsonValueKind.Object && problem.TryGetProperty("detail", out var detail) ? detail.GetString() : problem.ToString())}")
{
    public HttpStatusCode Status => status;
    public string? Code => code;
    public JsonElement Problem => problem;
}
