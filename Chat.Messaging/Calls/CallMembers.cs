using Chat.Data.Conversations;
using Chat.Messaging.Conversations;
using Npgsql;

namespace Chat.Messaging.Calls;

/// <summary>
/// Who may take part in a conversation's calls: its current members (<see cref="Membership"/>), asked of
/// PostgreSQL whenever a call method acts, an event goes out or a device in a call is renewed, so that someone who
/// left or was removed drops out of the call and hears nothing more of it.
/// </summary>
public sealed class CallMembers(NpgsqlDataSource dataSource)
{
    private static readonly string MembersSql = $"""
        SELECT c.kind, m.user_id FROM conversations c
        JOIN conversation_members m ON m.conversation_id = c.id AND {Membership.CurrentSql("m")}
        WHERE c.id = @conversation
        """;

    private static readonly string CurrentPairsSql = $"""
        SELECT m.conversation_id, m.user_id FROM conversation_members m
        JOIN unnest(@conversations, @users) AS p(conversation_id, user_id) ON m.conversation_id = p.conversation_id AND m.user_id = p.user_id
        WHERE {Membership.CurrentSql("m")}
        """;

    /// <summary>The conversation's kind and current members; no members when it does not exist.</summary>
    public async Task<(ConversationKind Kind, HashSet<Guid> Members)> OfAsync(Guid conversationId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(MembersSql);
        command.Parameters.AddWithValue("conversation", conversationId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var kind = ConversationKind.Group;
        var members = new HashSet<Guid>();
        while (await reader.ReadAsync(cancellationToken))
        {
            kind = (ConversationKind)reader.GetInt32(0);
            members.Add(reader.GetGuid(1));
        }

        return (kind, members);
    }

    /// <summary>Which of these (conversation, user) pairs are current memberships.</summary>
    public async Task<HashSet<(Guid ConversationId, Guid UserId)>> CurrentAsync(IReadOnlyCollection<(Guid ConversationId, Guid UserId)> pairs)
    {
        var current = new HashSet<(Guid, Guid)>();
        if (pairs.Count == 0)
        {
            return current;
        }

        await using var command = dataSource.CreateCommand(CurrentPairsSql);
        command.Parameters.AddWithValue("conversations", pairs.Select(p => p.ConversationId).ToArray());
        command.Parameters.AddWithValue("users", pairs.Select(p => p.UserId).ToArray());
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            current.Add((reader.GetGuid(0), reader.GetGuid(1)));
        }

        return current;
    }
}
