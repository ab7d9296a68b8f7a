using System.Diagnostics.Metrics;

namespace Chat.ServiceDefaults.Telemetry;

/// <summary>
/// Counts the mistakes clients make, by their documented code, on the surface that refused them: a hub call
/// (<c>hub</c>), an HTTP request answered 4xx (<c>http</c>), or a frame the hub could not read (<c>frame</c>). These
/// are logged below Error, because no one at the server has anything to fix; this counter is where a rise shows.
/// </summary>
public sealed class ClientErrorMetrics(IMeterFactory meters)
{
    public const string MeterName = "Chat.Clients";

    /// <summary>Where a request's handler leaves the documented code of the problem it answered.</summary>
    public const string CodeItem = "chat.error.type";

    public const string Hub = "hub";
    public const string Http = "http";
    public const string Frame = "frame";

    private readonly Counter<long> _refused = meters.Create(MeterName).CreateCounter<long>("chat.client_errors", "{error}",
        "Calls and requests refused for the client's own mistake, by documented code (error.type) and surface (chat.surface: hub, http or frame).");

    public void Refused(string surface, string code) =>
        _refused.Add(1, new KeyValuePair<string, object?>("error.type", code), new KeyValuePair<string, object?>("chat.surface", surface));

    /// <summary>The code at the front of a refusal's words, <c>code: words</c> as docs/protocol.md gives them.</summary>
    public static string CodeOf(string error) =>
        error.IndexOf(':', StringComparison.Ordinal) is var colon and > 0 && !error.AsSpan(0, colon).ContainsAny(' ', '\'') ? error[..colon] : "unknown";
}
