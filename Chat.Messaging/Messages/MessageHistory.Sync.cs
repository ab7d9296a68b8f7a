using System.Data.Common;
using Chat.Data.Conversations;
using Chat.Messaging.Conversations;
using Chat.Messaging.Errors;
using Chat.Messaging.Receipts;
using Npgsql;

namespace Chat.Messaging.Messages;

/// <summary>
/// Sync, which every device calls after every (re)connect, in hand-written SQL on one pooled connection: the user's
/// memberships and the page in one round trip, the members' receipt positions in a second when the page or the
/// cursors cover a conversation the user is in. Through EF Core it was three queries, each renting and resetting a
/// pooled connection, and in a profile of 10,000 devices connecting and syncing EF's per-query pipeline (parameter
/// extraction, the query cache key, materialisation) was the largest part of the node's work that was ours.
/// </summary>
public sealed partial class MessageHistory
{
    /// <summary>The conversations the user is a current member of.</summary>
    private static readonly string CurrentMembershipsSql =
        $"SELECT conversation_id FROM conversation_members WHERE user_id = @user_id AND {Membership.CurrentSql("conversation_members")}";

    /// <summary>
    /// Each conversation reads at most a page from its seq index, after its cursor (from the start without one) and
    /// up to where the member left: joined plainly, PostgreSQL sorted every message after the cursors (a user's
    /// whole history, for a device without cursors) to return one page. Each row carries the bound it was read
    /// with, since the memberships beside it are read in a statement (and a snapshot) of their own.
    /// </summary>
    private static readonly string PageSql = $"""
        SELECT m.id, m.conversation_id, m.seq, m.kind, m.sender_id, m.sender_device_id, m.client_message_id, m.content, m.target_message_id,
               m.sent_at, m.member_id, m.attachment_id, m.original_content, me.left_seq
        FROM conversation_members me
        LEFT JOIN unnest(@cursor_ids, @cursor_afters) AS c(id, after_seq) ON c.id = me.conversation_id
        CROSS JOIN LATERAL (
            SELECT * FROM messages
            WHERE conversation_id = me.conversation_id AND seq > coalesce(c.after_seq, 0) AND seq <= coalesce(me.left_seq, {long.MaxValue})
            ORDER BY seq
            LIMIT @page) m
        WHERE me.user_id = @user_id
        ORDER BY m.conversation_id, m.seq
        LIMIT @page
        """;

    /// <summary>The other members' positions; the recipient of an unanswered message request keeps what they read to themself.</summary>
    private static readonly string PositionsSql = $"""
        SELECT conversation_id, user_id,
               CASE WHEN request = {(int)MessageRequest.Pending} THEN 0 ELSE delivered_seq END,
               CASE WHEN request = {(int)MessageRequest.Pending} THEN 0 ELSE read_seq END
        FROM conversation_members WHERE conversation_id = ANY(@conversation_ids) AND user_id <> @user_id
        """;

    /// <summary>
    /// Everything the user may see after the given positions, in (conversation, seq) order; conversations without a
    /// cursor start from the beginning. The caller pages by moving its cursors past what it received.
    /// </summary>
    public async Task<Outcome<SyncResult>> SyncAsync(Guid userId, SyncRequest request, CancellationToken cancellationToken)
    {
        var limit = request.Limit ?? DefaultSyncLimit;
        if (limit is < 1 or > MaxPageSize)
        {
            return ChatErrors.Invalid("limit", $"limit must be between 1 and {MaxPageSize}.");
        }

        var cursors = new Dictionary<Guid, long>();
        foreach (var cursor in request.Cursors ?? [])
        {
            if (cursor is null || cursor.AfterSeq < 0 || !cursors.TryAdd(cursor.ConversationId, cursor.AfterSeq))
            {
                return ChatErrors.Invalid("cursors", "cursors must name each conversation once, with afterSeq >= 0.");
            }
        }

        var current = new HashSet<Guid>();
        var rows = new List<Message>();
        var pageBounds = new Dictionary<Guid, long>();
        List<ReceiptPosition> positions;
        bool hasMore;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            await using (var batch = new NpgsqlBatch(connection)
            {
                BatchCommands =
                {
                    new NpgsqlBatchCommand(CurrentMembershipsSql) { Parameters = { new NpgsqlParameter<Guid>("user_id", userId) } },
                    new NpgsqlBatchCommand(PageSql)
                    {
                        Parameters =
                        {
                            new NpgsqlParameter<Guid>("user_id", userId),
                            new NpgsqlParameter<Guid[]>("cursor_ids", [.. cursors.Keys]),
                            new NpgsqlParameter<long[]>("cursor_afters", [.. cursors.Values]),
                            new NpgsqlParameter<int>("page", limit + 1),
                        },
                    },
                },
            })
            await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    current.Add(reader.GetGuid(0));
                }

                await reader.NextResultAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    var row = ReadPageRow(reader);
                    rows.Add(row);
                    pageBounds[row.ConversationId] = reader.IsDBNull(13) ? long.MaxValue : reader.GetInt64(13);
                }
            }

            // The row past the page only says there is more.
            hasMore = rows.Count > limit;
            if (hasMore)
            {
                rows.RemoveAt(limit);
            }

            // Receipt positions are news of the members; one who left gets none, of them or of anyone added since.
            // Whether the user still belongs is the page's word where it has rows (its snapshot is the later one).
            bool Current(Guid id) => pageBounds.TryGetValue(id, out var bound) ? bound == long.MaxValue : current.Contains(id);
            var covered = rows.Select(m => m.ConversationId).Concat(cursors.Keys).Where(Current).Distinct().ToArray();
            // A device with nothing to catch up on and no cursors (a new device of a new user) asks no positions.
            positions = covered.Length == 0 ? [] : await PositionsAsync(connection, userId, covered, cancellationToken);
        }

        // After the connection has gone back: the rewind reads through EF Core, on a connection of its own, and a
        // Sync holding one while it waits for another could empty the pool.
        await RewindLaterEditsAsync(rows, conversationId => pageBounds[conversationId], cancellationToken);
        return new SyncResult(rows.Select(MessageEventReader.ToEvent).ToList(), hasMore, positions);
    }

    private static async Task<List<ReceiptPosition>> PositionsAsync(NpgsqlConnection connection, Guid userId, Guid[] conversationIds,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(PositionsSql, connection)
        {
            Parameters =
            {
                new NpgsqlParameter<Guid[]>("conversation_ids", conversationIds),
                new NpgsqlParameter<Guid>("user_id", userId),
            },
        };
        var positions = new List<ReceiptPosition>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            positions.Add(new ReceiptPosition(reader.GetGuid(0), reader.GetGuid(1), reader.GetInt64(2), reader.GetInt64(3)));
        }

        return positions;
    }

    /// <summary>A row of <see cref="PageSql"/>, in its column order.</summary>
    private static Message ReadPageRow(DbDataReader r) => new()
    {
        Id = r.GetGuid(0),
        ConversationId = r.GetGuid(1),
        Seq = r.GetInt64(2),
        Kind = (MessageKind)r.GetInt32(3),
        SenderId = r.GetGuid(4),
        SenderDeviceId = r.GetGuid(5),
        ClientMessageId = r.GetString(6),
        Content = r.IsDBNull(7) ? null : r.GetString(7),
        TargetMessageId = r.IsDBNull(8) ? null : r.GetGuid(8),
        SentAt = r.GetFieldValue<DateTimeOffset>(9),
        MemberId = r.IsDBNull(10) ? null : r.GetGuid(10),
        AttachmentId = r.IsDBNull(11) ? null : r.GetGuid(11),
        OriginalContent = r.IsDBNull(12) ? null : r.GetString(12),
    };
}
