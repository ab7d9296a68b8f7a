using Chat.Data.Conversations;
using Chat.Messaging.Conversations;
using Npgsql;

namespace Chat.Messaging.Presence;

/// <summary>
/// Who is told when a user goes online or offline: the members of the user's direct conversations and small groups,
/// as <see cref="ConversationContacts"/> defines contact (not through a message request still unanswered, never
/// across a block, either way). Read on every first connect and last disconnect, so in hand-written SQL on the
/// data source, without a DI scope and EF Core's per-query pipeline.
/// </summary>
public sealed class PresenceAudience(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Presence changes are announced in groups of at most this many members (direct conversations always). In a
    /// larger group every connect would reach hundreds of members' devices, so a node's reconnect storm would cost
    /// connections times members; members of large groups ask for presence when they show it (GET /api/users/{id}/presence).
    /// </summary>
    public const int MaxAnnouncingGroupSize = 256;

    private static readonly string AudienceSql = $"""
        SELECT DISTINCT theirs.user_id
        FROM conversation_members mine
        JOIN conversation_members theirs ON theirs.conversation_id = mine.conversation_id
        WHERE mine.user_id = @user_id AND {Membership.CurrentSql("mine")} AND mine.request <> {(int)MessageRequest.Pending}
          AND theirs.user_id <> @user_id AND {Membership.CurrentSql("theirs")} AND theirs.request <> {(int)MessageRequest.Pending}
          AND (SELECT count(*) FROM conversation_members m WHERE m.conversation_id = mine.conversation_id AND {Membership.CurrentSql("m")}) <= {MaxAnnouncingGroupSize}
          AND NOT EXISTS (SELECT 1 FROM user_blocks b
                          WHERE (b.blocker_id = @user_id AND b.blocked_id = theirs.user_id) OR (b.blocker_id = theirs.user_id AND b.blocked_id = @user_id))
        """;

    /// <summary>
    /// A failed read fails the connect, or a rejoining node's registration of its connections, so a transient failure
    /// (<see cref="TransientPostgres"/>) is tried again.
    /// </summary>
    public Task<List<Guid>> OfAsync(Guid userId, CancellationToken cancellationToken) =>
        TransientPostgres.ReadAsync(token => ReadAsync(userId, token), cancellationToken);

    private async Task<List<Guid>> ReadAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(AudienceSql);
        command.Parameters.Add(new NpgsqlParameter<Guid>("user_id", userId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var users = new List<Guid>();
        while (await reader.ReadAsync(cancellationToken))
        {
            users.Add(reader.GetGuid(0));
        }

        return users;
    }
}
