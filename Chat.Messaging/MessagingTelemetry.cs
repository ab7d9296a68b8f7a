using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;

namespace Chat.Messaging;

/// <summary>The domain's telemetry name, for its ActivitySource here and the meter <see cref="Messages.MessageSender"/> creates.</summary>
public static class MessagingTelemetry
{
    public const string Name = "Chat.Messaging";

    public static readonly ActivitySource Source = new(Name);

    /// <summary>
    /// <c>@trace_parent</c>: the current span's W3C <c>traceparent</c>, which a push-outbox entry carries so that the
    /// worker's push joins the trace of what queued it; null outside a trace.
    /// </summary>
    public static NpgsqlParameter TraceParentParameter() =>
        new("trace_parent", NpgsqlDbType.Text) { Value = (object?)Activity.Current?.Id ?? DBNull.Value };
}
