using System.Diagnostics;

namespace Chat.Messaging;

/// <summary>The domain's telemetry: one ActivitySource and one Meter, both named "Chat.Messaging".</summary>
public static class MessagingTelemetry
{
    public const string Name = "Chat.Messaging";

    public static readonly ActivitySource Source = new(Name);
}
