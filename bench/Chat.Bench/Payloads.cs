using System.Diagnostics;
using System.Globalization;

namespace Chat.Bench;

/// <summary>
/// Every message carries who sent it and when, by the load generator's own clock (Stopwatch ticks), so latency
/// is measured by one clock, and a message is recognised wherever it arrives. Padded to a typical chat size.
/// </summary>
public static class Payloads
{
    private const string Padding = "lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor";

    public static string Create(int sender, long timestamp) =>
        string.Create(CultureInfo.InvariantCulture, $"b|{sender}|{timestamp}|{Padding}");

    public static bool TryRead(string payload, out int sender, out long timestamp)
    {
        sender = 0;
        timestamp = 0;
        var parts = payload.Split('|', 4);
        return parts.Length == 4 && parts[0] == "b"
            && int.TryParse(parts[1], CultureInfo.InvariantCulture, out sender)
            && long.TryParse(parts[2], CultureInfo.InvariantCulture, out timestamp);
    }

    public static double MillisecondsSince(long timestamp) => Stopwatch.GetElapsedTime(timestamp).TotalMilliseconds;
}
