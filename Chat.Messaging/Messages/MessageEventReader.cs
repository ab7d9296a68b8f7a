using System.Data.Common;
using Chat.Data.Conversations;

namespace Chat.Messaging.Messages;

/// <summary>Maps stored messages to the wire event, whether read with EF Core or with hand-written SQL.</summary>
public static class MessageEventReader
{
    /// <summary>The columns <see cref="Read"/> expects, in its order.</summary>
    public const string Columns =
        "id, conversation_id, seq, kind, sender_id, sender_device_id, client_message_id, content, target_message_id, sent_at, member_id, attachment_id";

    public static MessageEvent ToEvent(Message m) => new(m.Id, m.ConversationId, m.Seq, m.Kind.WireName(), m.SenderId, m.SenderDeviceId,
        m.ClientMessageId, m.Content, m.TargetMessageId, m.SentAt, m.MemberId, m.AttachmentId);

    public static MessageEvent Read(DbDataReader r) => new(
        r.GetGuid(0), r.GetGuid(1), r.GetInt64(2), ((MessageKind)r.GetInt32(3)).WireName(), r.GetGuid(4), r.GetGuid(5), r.GetString(6),
        r.IsDBNull(7) ? null : r.GetString(7), r.IsDBNull(8) ? null : r.GetGuid(8), r.GetFieldValue<DateTimeOffset>(9), r.IsDBNull(10) ? null : r.GetGuid(10),
        r.IsDBNull(11) ? null : r.GetGuid(11));
}
