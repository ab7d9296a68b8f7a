using System.Diagnostics;

namespace Chat.Messaging;

/// <summary>The domain's telemetry name, for its ActivitySource here and the meter <see cref="Messages.MessageSender"/> creates.</summary>
public static class MessagingTelemetry
{
    public const string Name = "Chat.Messaging";

    public static readonly ActivitySource Source = new(Name);
}
