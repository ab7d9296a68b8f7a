using Chat.Data.Conversations;
using Chat.Messaging.Conversations;
using Npgsql;

namespace Chat.Messaging.Receipts;

/// <summary>
/// How many messages a member has not read: text messages from others after the member's read position (and, for
/// one who left, before they left). The conversation list shows it per conversation, the push badge summed over
/// all of a user's conversations; both read it here.
/// </summary>
public sealed class UnreadCounts(NpgsqlDataSource dataSource)
{
    private static readonly string CountsSql = $"""
        SELECT me.user_id, me.conversation_id, COUNT(m.id)
        FROM conversation_members me
        JOIN messages m ON m.conversation_id = me.conversation_id AND m.seq > me.read_seq AND m.kind IN ({(int)MessageKind.Text}, {(int)MessageKind.Attachment})
             AND m.sender_id <> me.user_id AND {Membership.SeesSql("me", "m")}
        WHERE me.user_id = ANY(@users) AND (cardinality(@conversations) = 0 OR me.conversation_id = ANY(@conversations))
        GROUP BY me.user_id, me.conversation_id
        """;

    /// <summary>The user's unread count in each of these conversations that has one.</summary>
    public async Task<Dictionary<Guid, long>> ByConversationAsync(Guid userId, Guid[] conversationIds, CancellationToken cancellationToken) =>
        conversationIds.Length == 0 ? [] : (await ReadAsync([userId], conversationIds, cancellationToken)).ToDictionary(c => c.ConversationId, c => c.Count);

    /// <summary>Each user's unread count over all their conversations: the app icon's badge.</summary>
    public async Task<Dictionary<Guid, long>> ByUserAsync(Guid[] userIds, CancellationToken cancellationToken) =>
        userIds.Length == 0 ? [] : (await ReadAsync(userIds, [], cancellationToken))
            .GroupBy(c => c.UserId).ToDictionary(g => g.Key, g => g.Sum(c => c.Count));

    /// <param name="conversationIds">Only these conversations; empty for all of them.</param>
    private async Task<List<(Guid UserId, Guid ConversationId, long Count)>> ReadAsync(Guid[] userIds, Guid[] conversationIds, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(CountsSql);
        command.Parameters.AddWithValue("users", userIds);
        command.Parameters.AddWithValue("conversations", conversationIds);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var counts = new List<(Guid, Guid, long)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            counts.Add((reader.GetGuid(0), reader.GetGuid(1), reader.GetInt64(2)));
        }

        return counts;
    }
}
