using System.Linq.Expressions;
using Chat.Data;
using Chat.Data.Conversations;
using Chat.Messaging.Errors;
using Microsoft.EntityFrameworkCore;

namespace Chat.Messaging.Conversations;

/// <summary>
/// Who belongs to a conversation now: a member row whose <see cref="ConversationMember.LeftSeq"/> is not set. A
/// member who left keeps a row (it bounds what they may still read) but may not act. The rule is written here
/// once, for EF Core queries and as SQL for the hand-written statements of the message path.
/// </summary>
public sealed class Membership(ChatDbContext db)
{
    /// <summary>SQL: whether <paramref name="userId"/> is a current member of <paramref name="conversationId"/> (SQL expressions both).</summary>
    public static string IsCurrentMemberSql(string conversationId, string userId) =>
        $"EXISTS (SELECT 1 FROM conversation_members WHERE conversation_id = {conversationId} AND user_id = {userId} AND {CurrentSql("conversation_members")})";

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

    /// <summary>The other current members of a conversation, or <see cref="ChatErrors.NotMember"/> when the user is not one.</summary>
    public async Task<Outcome<List<Guid>>> OthersAsync(Guid conversationId, Guid userId, CancellationToken cancellationToken)
    {
        var members = await db.ConversationMembers.AsNoTracking().Current()
            .Where(m => m.ConversationId == conversationId)
            .Select(m => m.UserId)
            .ToListAsync(cancellationToken);
        return members.Contains(userId) ? members.Where(m => m != userId).ToList() : ChatErrors.NotMember;
    }
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
