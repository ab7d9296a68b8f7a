using System.Data.Common;
using Chat.Data.Conversations;

namespace Chat.Data.Messaging;

/// <summary>Maps stored messages to the wire event, whether read with EF Core or with hand-written SQL.</summary>
public static class MessageEventReader
{
    public static string NameOf(MessageKind kind) => kind switch
    {
        MessageKind.Text => MessageKinds.Text,
        MessageKind.Edit => MessageKinds.Edit,
        MessageKind.Delete => MessageKinds.Delete,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static MessageKind KindOf(string kind) => kind switch
    {
        MessageKinds.Text => MessageKind.Text,
        MessageKinds.Edit => MessageKind.Edit,
        MessageKinds.Delete => MessageKind.Delete,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static MessageEvent ToEvent(Message m) => new(m.Id, m.ConversationId, m.Seq, NameOf(m.Kind), m.SenderId, m.SenderDeviceId,
        m.ClientMessageId, m.Content, m.TargetMessageId, m.SentAt);

    /// <summary>Reads the columns in MessageStore's EventColumns order.</summary>
    public static MessageEvent Read(DbDataReader r) => new(
        r.GetGuid(0), r.GetGuid(1), r.GetInt64(2), NameOf((MessageKind)r.GetInt32(3)), r.GetGuid(4), r.GetGuid(5), r.GetString(6),
        r.IsDBNull(7) ? null : r.GetString(7), r.IsDBNull(8) ? null : r.GetGuid(8), r.GetFieldValue<DateTimeOffset>(9));
}
