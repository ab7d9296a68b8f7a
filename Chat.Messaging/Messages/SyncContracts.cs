using Chat.Messaging.Receipts;

namespace Chat.Messaging.Messages;

public sealed record SyncCursor(Guid ConversationId, long AfterSeq);

/// <summary>Sync's argument: positions to read after (conversations not named start from seq 0), and a page size.</summary>
public sealed record SyncRequest(IReadOnlyList<SyncCursor>? Cursors, int? Limit);

/// <summary>A page of Sync, with the other members' positions in the conversations it covers.</summary>
public sealed record SyncResult(IReadOnlyList<MessageEvent> Messages, bool HasMore, IReadOnlyList<ReceiptPosition> Positions);

/// <summary>A page of one conversation's history.</summary>
public sealed record MessagePage(IReadOnlyList<MessageEvent> Messages, bool HasMore);
