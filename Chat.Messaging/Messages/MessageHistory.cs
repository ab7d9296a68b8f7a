using Chat.Data;
using Chat.Data.Conversations;
using Chat.Messaging.Conversations;
using Chat.Messaging.Errors;
using Chat.Messaging.Receipts;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Chat.Messaging.Messages;

/// <summary>Reads what a member may see: everything up to the point where they left, nothing after.</summary>
public sealed partial class MessageHistory(ChatDbContext db, NpgsqlDataSource dataSource)
{
    public const int MaxPageSize = 200;
    public const int DefaultSyncLimit = 100;

    /// <summary>
    /// A page of one conversation's events after <paramref name="afterSeq"/> (ascending) or before
    /// <paramref name="beforeSeq"/> (the newest first, returned ascending), for anyone who ever belonged to it.
    /// </summary>
    public async Task<Outcome<MessagePage>> PageAsync(
        Guid conversationId, Guid userId, long? afterSeq, long? beforeSeq, int limit, CancellationToken cancellationToken)
    {
        var member = await db.ConversationMembers.AsNoTracking()
            .SingleOrDefaultAsync(m => m.ConversationId == conversationId && m.UserId == userId, cancellationToken);
        if (member is null)
        {
            return ChatErrors.NotVisible;
        }

        var lastVisible = member.LastVisibleSeq();
        var visible = db.Messages.AsNoTracking().Where(m => m.ConversationId == conversationId && m.Seq <= lastVisible);

        if (afterSeq is { } after)
        {
            visible = visible.Where(m => m.Seq > after);
        }

        if (beforeSeq is { } before)
        {
            visible = visible.Where(m => m.Seq < before);
        }

        var newestFirst = beforeSeq is not null && afterSeq is null;
        var ordered = newestFirst ? visible.OrderByDescending(m => m.Seq) : visible.OrderBy(m => m.Seq);
        var rows = await ordered.Take(limit + 1).ToListAsync(cancellationToken);
        await RewindLaterEditsAsync(rows, _ => lastVisible, cancellationToken);
        var page = rows.Take(limit).Select(MessageEventReader.ToEvent).OrderBy(m => m.Seq).ToList();
        return new MessagePage(page, rows.Count > limit);
    }

    /// <summary>
    /// Shows a member who left each message as it was when they left: a text message edited after that point gets
    /// back the content of its last earlier edit, or its first. Content deleted since stays erased. Only rows read
    /// for a member who left can need this, and only edited ones, so current members pay nothing.
    /// </summary>
    private async Task RewindLaterEditsAsync(List<Message> rows, Func<Guid, long> lastVisibleSeqOf, CancellationToken cancellationToken)
    {
        var edited = rows.Where(m => m.Kind == MessageKind.Text && m.OriginalContent is not null && lastVisibleSeqOf(m.ConversationId) != long.MaxValue)
            .ToList();
        if (edited.Count == 0)
        {
            return;
        }

        var ids = edited.Select(m => m.Id).ToList();
        var edits = (await db.Messages.AsNoTracking()
                .Where(e => e.Kind == MessageKind.Edit && e.TargetMessageId != null && ids.Contains(e.TargetMessageId.Value))
                .Select(e => new { Target = e.TargetMessageId!.Value, e.Seq, e.Content })
                .ToListAsync(cancellationToken))
            .ToLookup(e => e.Target);
        foreach (var message in edited)
        {
            var bound = lastVisibleSeqOf(message.ConversationId);
            var lastSeen = edits[message.Id].Where(e => e.Seq <= bound).MaxBy(e => e.Seq);
            message.Content = lastSeen is null ? message.OriginalContent : lastSeen.Content;
        }
    }
}
