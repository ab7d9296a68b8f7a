using System.Data.Common;
using System.Linq.Expressions;
using Chat.Data;
using Chat.Data.Conversations;
using Chat.Messaging.Errors;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Chat.Messaging.Conversations;

/// <summary>
/// Who belongs to a conversation now: a member row whose <see cref="ConversationMember.LeftSeq"/> is not set. A
/// member who left keeps a row (it bounds what they may still read) but may not act. The rule is written here
/// once, for EF Core queries and as SQL for the hand-written statements of the message path.
/// </summary>
public static class Membership
{
    /// <summary>SQL: whether <paramref name="userId"/> is a current member of <paramref name="conversationId"/> (SQL expressions both).</summary>
    public static string IsCurrentMemberSql(string conversationId, string userId) =>
        $"EXISTS (SELECT 1 FROM conversation_members WHERE conversation_id = {conversationId} AND user_id = {userId} AND {CurrentSql("conversation_members")})";

    /// <summary>
    /// SQL: whether <paramref name="userId"/> may add an event to <paramref name="conversationId"/> (SQL expressions
    /// both): a current member who holds no unanswered message request there, and, in a direct conversation, neither
    /// blocks nor is blocked by the other member.
    /// </summary>
    public static string MayPostSql(string conversationId, string userId) =>
        $"(EXISTS (SELECT 1 FROM conversation_members WHERE conversation_id = {conversationId} AND user_id = {userId} AND {CurrentSql("conversation_members")} AND request <> {(int)MessageRequest.Pending})"
        + $" AND NOT {BlockedInDirectSql(conversationId, userId)})";

    /// <summary>SQL: whether <paramref name="conversationId"/> is direct and a block stands between its two members, either way.</summary>
    public static string BlockedInDirectSql(string conversationId, string userId) => $"""
        EXISTS (SELECT 1 FROM conversations dc JOIN conversation_members dm ON dm.conversation_id = dc.id AND dm.user_id <> {userId}
                WHERE dc.id = {conversationId} AND dc.kind = {(int)ConversationKind.Direct}
                  AND EXISTS (SELECT 1 FROM user_blocks ub
                              WHERE (ub.blocker_id = dm.user_id AND ub.blocked_id = {userId}) OR (ub.blocker_id = {userId} AND ub.blocked_id = dm.user_id)))
        """;

    /// <summary>
    /// SQL: one row of four booleans that say why <paramref name="userId"/> may not post to <paramref name="conversationId"/>
    /// (<see cref="RefusalOf"/> reads it): the conversation exists, the user is a current member, holds an unanswered
    /// request there, is blocked in it.
    /// </summary>
    public static string AccessSql(string conversationId, string userId) => $"""
        SELECT EXISTS (SELECT 1 FROM conversations WHERE id = {conversationId}),
               {IsCurrentMemberSql(conversationId, userId)},
               EXISTS (SELECT 1 FROM conversation_members WHERE conversation_id = {conversationId} AND user_id = {userId} AND {CurrentSql("conversation_members")} AND request = {(int)MessageRequest.Pending}),
               {BlockedInDirectSql(conversationId, userId)}
        """;

    /// <summary>The refusal a row of <see cref="AccessSql"/> means, or null when the user may post.</summary>
    public static ChatError? RefusalOf(DbDataReader access) =>
        !access.GetBoolean(0) ? ChatErrors.ConversationNotFound
        : !access.GetBoolean(1) ? ChatErrors.NotMember
        : access.GetBoolean(2) ? ChatErrors.RequestPending
        : access.GetBoolean(3) ? ChatErrors.Blocked
        : null;

    /// <summary>
    /// The other current members the user may reach live (typing, receipts, calls), in one round trip; or why not:
    /// as for a message (<see cref="MayPostSql"/>), and not while a message request there is unanswered, by either side.
    /// </summary>
    public static async Task<Outcome<List<Guid>>> LiveOthersAsync(NpgsqlDataSource dataSource, Guid conversationId, Guid userId, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"""
            {AccessSql("@conversation_id", "@user_id")},
                   EXISTS (SELECT 1 FROM conversation_members WHERE conversation_id = @conversation_id AND {CurrentSql("conversation_members")} AND request = {(int)MessageRequest.Pending})
            """) { Parameters = { new("conversation_id", conversationId), new("user_id", userId) } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"{CurrentMembersSql("@conversation_id")} AND m.user_id <> @user_id")
            { Parameters = { new("conversation_id", conversationId), new("user_id", userId) } });
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        if ((RefusalOf(reader) ?? (reader.GetBoolean(4) ? ChatErrors.RequestNotAccepted : null)) is { } refused)
        {
            return refused;
        }

        await reader.NextResultAsync(cancellationToken);
        var others = new List<Guid>();
        while (await reader.ReadAsync(cancellationToken))
        {
            others.Add(reader.GetGuid(0));
        }

        return others;
    }

    /// <summary>SQL: the user ids of the current members of <paramref name="conversationId"/> (an SQL expression).</summary>
    public static string CurrentMembersSql(string conversationId) =>
        $"SELECT m.user_id FROM conversation_members m WHERE m.conversation_id = {conversationId} AND {CurrentSql("m")}";

    /// <summary>
    /// SQL: whether the member row <paramref name="member"/> may see the message row <paramref name="message"/>
    /// (aliases): everything while a member, up to the point of leaving after.
    /// </summary>
    public static string SeesSql(string member, string message) => $"({CurrentSql(member)} OR {message}.seq <= {member}.left_seq)";

    /// <summary>SQL: the condition on a row of conversation_members (under <paramref name="alias"/>) that makes it a current member.</summary>
    public static string CurrentSql(string alias) => $"{alias}.left_seq IS NULL";
}

public static class MembershipQueries
{
    private static readonly Expression<Func<ConversationMember, bool>> IsCurrentExpression = m => m.LeftSeq == null;
    private static readonly Func<ConversationMember, bool> IsCurrentRow = IsCurrentExpression.Compile();

    /// <summary>The last seq a member may see: everything while a member, up to the point of leaving after.</summary>
    public static long LastVisibleSeq(this ConversationMember member) => member.LeftSeq ?? long.MaxValue;

    /// <summary>Whether a loaded member row is a current member (<see cref="Membership"/>).</summary>
    public static bool IsCurrent(this ConversationMember member) => IsCurrentRow(member);

    /// <summary>The rows of current members (<see cref="Membership"/>).</summary>
    public static IQueryable<ConversationMember> Current(this IQueryable<ConversationMember> members) =>
        members.Where(IsCurrentExpression);

    /// <summary>The user's current membership of the conversation, if any.</summary>
    public static IQueryable<ConversationMember> CurrentOf(this IQueryable<ConversationMember> members, Guid conversationId, Guid userId) =>
        members.Current().Where(m => m.ConversationId == conversationId && m.UserId == userId);
}
