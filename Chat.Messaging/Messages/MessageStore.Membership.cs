using System.Diagnostics;
using Chat.Data.Conversations;
using Chat.Messaging.Conversations;
using Chat.Messaging.Errors;
using Chat.Messaging.Redis;
using Npgsql;

namespace Chat.Messaging.Messages;

/// <summary>
/// Membership and role changes. Each is recorded as sequenced events in the transaction that makes it, so every
/// member (the one leaving included) learns of it in seq order, live and by Sync, and knows from it when to replace
/// the keys they encrypt with. The first statement of each takes the conversation's row lock (its seq), so the
/// checks that follow it (who is owner, who is left) see no concurrent change.
/// </summary>
public sealed partial class MessageStore
{
    /// <summary>An event by a member who may post (<see cref="NextSeqSql"/>).</summary>
    private static readonly string MembershipEventSql = $"""
        {NextSeqSql}
        INSERT INTO messages ({MessageEventReader.Columns})
        SELECT @id, @conversation_id, next.last_seq, @kind, @sender_id, @sender_device_id, @client_message_id, @content, NULL, @sent_at, @member_id, NULL
        FROM next
        RETURNING seq
        """;

    /// <summary>An event of the server's making, after checks already done in its transaction: no membership test.</summary>
    private static readonly string SystemEventSql = $"""
        WITH next AS (
            UPDATE conversations SET last_seq = last_seq + 1, last_activity_at = @sent_at WHERE id = @conversation_id RETURNING last_seq)
        INSERT INTO messages ({MessageEventReader.Columns})
        SELECT @id, @conversation_id, next.last_seq, @kind, @sender_id, @sender_device_id, @client_message_id, @content, NULL, @sent_at, @member_id, NULL
        FROM next
        RETURNING seq
        """;

    /// <summary>A member added anew, or back after leaving: a current member row, seeing everything from here on.</summary>
    private const string JoinSql = """
        INSERT INTO conversation_members (conversation_id, user_id, role, joined_at, delivered_seq, read_seq)
        VALUES (@conversation_id, @member_id, 0, @sent_at, 0, 0)
        ON CONFLICT (conversation_id, user_id) DO UPDATE SET left_seq = NULL, role = 0, joined_at = @sent_at, hidden_through_seq = NULL, muted_until = NULL
        WHERE conversation_members.left_seq IS NOT NULL
        RETURNING 1
        """;

    /// <summary>The member keeps what was sent up to and including their own removal event, and sees nothing after.</summary>
    private const string LeaveSql = """
        UPDATE conversation_members SET left_seq = @seq
        WHERE conversation_id = @conversation_id AND user_id = @member_id AND left_seq IS NULL
        RETURNING 1
        """;

    /// <summary>Current members' roles, locked for the change being made.</summary>
    private static readonly string RolesSql = $"""
        SELECT user_id, role, joined_at FROM conversation_members m
        WHERE m.conversation_id = @conversation_id AND {Membership.CurrentSql("m")}
        FOR UPDATE
        """;

    private const string SetRoleSql = "UPDATE conversation_members SET role = @role WHERE conversation_id = @conversation_id AND user_id = @member_id";

    private static readonly string InvitationSql = $"""
        DELETE FROM group_invitations i USING conversations c
        WHERE i.conversation_id = @conversation_id AND i.user_id = @member_id AND c.id = i.conversation_id AND c.kind = {(int)ConversationKind.Group}
        RETURNING i.invited_by
        """;

    /// <summary>
    /// Adds, removes or lets go of a member. An owner who goes leaves the group to its longest-standing admin, or else its
    /// longest-standing member, when no other owner stays. Who may make the change is the caller's to decide.
    /// </summary>
    /// <returns>The event; <see cref="ChatErrors.NotMember"/> when the actor is no member, or null when there was nothing to
    /// change (the member was already in, or already out).</returns>
    public async Task<Outcome<MessageEvent?>> ChangeMembershipAsync(Guid conversationId, Guid actorId, Guid actorDeviceId, MessageKind change,
        Guid memberId, CancellationToken cancellationToken)
    {
        if (change is not (MessageKind.MemberAdded or MessageKind.MemberRemoved or MessageKind.MemberLeft))
        {
            throw new ArgumentOutOfRangeException(nameof(change), change, "Not a membership change.");
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var changes = new MembershipChanges(connection, transaction, conversationId, actorId, actorDeviceId, this);
        if (await changes.AppendAsync(change, memberId, checkActor: true, cancellationToken) is not { } seq)
        {
            return ChatErrors.NotMember;
        }

        // Checked again under the conversation's lock: the caller's own check may have raced a change of roles.
        var roles = await changes.RolesAsync(cancellationToken);
        var actorRole = roles.GetValueOrDefault(actorId).Role;
        var allowed = change switch
        {
            MessageKind.MemberAdded => actorRole >= MemberRole.Admin,
            MessageKind.MemberRemoved => actorRole >= MemberRole.Admin && (!roles.TryGetValue(memberId, out var target) || target.Role < actorRole),
            _ => true,
        };
        if (!allowed)
        {
            await transaction.RollbackAsync(cancellationToken);
            return ChatErrors.NotAdmin;
        }

        if (!await changes.ApplyMembershipAsync(change, memberId, seq, cancellationToken))
        {
            await transaction.RollbackAsync(cancellationToken);
            return (MessageEvent?)null;
        }

        if (change != MessageKind.MemberAdded)
        {
            await changes.KeepAnOwnerAsync(cancellationToken);
        }

        return await changes.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// The invited user accepts their invitation: a member from here on, by an event they are the sender of. A group
    /// everyone else has left becomes theirs.
    /// </summary>
    /// <returns>The event, null when they had become a member meanwhile, or <see cref="ChatErrors.InvitationNotFound"/>.</returns>
    public async Task<Outcome<MessageEvent?>> AcceptInvitationAsync(Guid conversationId, Guid userId, Guid deviceId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var invitation = new NpgsqlCommand(InvitationSql, connection, transaction))
        {
            invitation.Parameters.AddWithValue("conversation_id", conversationId);
            invitation.Parameters.AddWithValue("member_id", userId);
            if (await invitation.ExecuteScalarAsync(cancellationToken) is null)
            {
                return ChatErrors.InvitationNotFound;
            }
        }

        var changes = new MembershipChanges(connection, transaction, conversationId, userId, deviceId, this);
        var (_, roles) = await changes.LockAsync(cancellationToken);
        if (roles.ContainsKey(userId))
        {
            // Added by someone they know meanwhile: the invitation goes, and there is nothing to record.
            await transaction.CommitAsync(cancellationToken);
            return (MessageEvent?)null;
        }

        var seq = await changes.AppendAsync(MessageKind.MemberAdded, userId, checkActor: false, cancellationToken);
        await changes.ApplyMembershipAsync(MessageKind.MemberAdded, userId, seq!.Value, cancellationToken);
        await changes.KeepAnOwnerAsync(cancellationToken);
        return await changes.CommitAsync(cancellationToken);
    }

    /// <summary>An owner makes a member an admin, or an admin a member again.</summary>
    /// <returns>The event, null when the member had that role already, or a refusal.</returns>
    public Task<Outcome<MessageEvent?>> ChangeRoleAsync(Guid conversationId, Guid actorId, Guid actorDeviceId, Guid memberId, MemberRole role,
        CancellationToken cancellationToken)
    {
        if (role is not (MemberRole.Admin or MemberRole.Member))
        {
            throw new ArgumentOutOfRangeException(nameof(role), role, "Ownership changes hands by transfer.");
        }

        // A group has one owner, the actor: whoever else is named is an admin or a member.
        return ChangeRolesAsync(conversationId, actorId, actorDeviceId, memberId, async (changes, roles) =>
            roles[memberId].Role == role ? (MessageEvent?)null : await changes.SetRoleAsync(memberId, role, cancellationToken), cancellationToken);
    }

    /// <summary>An owner hands ownership to another member and becomes an admin.</summary>
    public Task<Outcome<MessageEvent?>> TransferOwnershipAsync(Guid conversationId, Guid actorId, Guid actorDeviceId, Guid newOwnerId,
        CancellationToken cancellationToken) =>
        ChangeRolesAsync(conversationId, actorId, actorDeviceId, newOwnerId, async (changes, _) =>
        {
            var promoted = await changes.SetRoleAsync(newOwnerId, MemberRole.Owner, cancellationToken);
            await changes.SetRoleAsync(actorId, MemberRole.Admin, cancellationToken);
            return promoted;
        }, cancellationToken);

    /// <summary>
    /// The frame of a role change: the actor must be a current owner of a group and the member another current
    /// member, checked under the conversation's lock.
    /// </summary>
    private async Task<Outcome<MessageEvent?>> ChangeRolesAsync(Guid conversationId, Guid actorId, Guid actorDeviceId, Guid memberId,
        Func<MembershipChanges, Dictionary<Guid, (MemberRole Role, DateTimeOffset JoinedAt)>, Task<Outcome<MessageEvent?>>> change,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var changes = new MembershipChanges(connection, transaction, conversationId, actorId, actorDeviceId, this);
        var (kind, roles) = await changes.LockAsync(cancellationToken);
        var refusal = kind is null ? ChatErrors.ConversationNotFound
            : !roles.TryGetValue(actorId, out var actor) ? ChatErrors.NotMember
            : kind != ConversationKind.Group || actor.Role != MemberRole.Owner ? ChatErrors.NotOwner
            : memberId == actorId ? ChatErrors.Invalid("userId", "Name another member.")
            : !roles.ContainsKey(memberId) ? ChatErrors.MemberNotFound
            : null;
        if (refusal is not null)
        {
            return refusal;
        }

        var (first, refused) = await change(changes, roles);
        if (refused is not null || first is null)
        {
            await transaction.RollbackAsync(cancellationToken);
            return refused is null ? (MessageEvent?)null : refused;
        }

        await changes.CommitAsync(cancellationToken);
        return first;
    }

    private void Publish(FanoutEnvelope envelope) => fanout.Publish(envelope);

    /// <summary>The events of one membership transaction, published in seq order once it commits.</summary>
    private sealed class MembershipChanges(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid conversationId, Guid actorId, Guid actorDeviceId,
        MessageStore store)
    {
        private readonly List<(MessageEvent Event, Guid? AlsoTo)> _events = [];

        /// <summary>Locks the conversation and reads its kind (null when there is none) and its current members' roles.</summary>
        public async Task<(ConversationKind? Kind, Dictionary<Guid, (MemberRole Role, DateTimeOffset JoinedAt)> Roles)> LockAsync(CancellationToken cancellationToken)
        {
            await using var command = new NpgsqlCommand("SELECT kind FROM conversations WHERE id = @conversation_id FOR UPDATE", connection, transaction);
            command.Parameters.AddWithValue("conversation_id", conversationId);
            var kind = await command.ExecuteScalarAsync(cancellationToken) is int k ? (ConversationKind?)k : null;
            return (kind, await RolesAsync(cancellationToken));
        }

        /// <summary>Appends one event; with <paramref name="checkActor"/>, only while the actor may post (null otherwise).</summary>
        public async Task<long?> AppendAsync(MessageKind kind, Guid memberId, bool checkActor, CancellationToken cancellationToken, string? content = null)
        {
            var (id, sentAt) = store.NewIdentity();
            var message = new NewMessage(conversationId, actorId, actorDeviceId, $"member-{id:N}", kind, content);
            await using var insert = new NpgsqlCommand(checkActor ? MembershipEventSql : SystemEventSql, connection, transaction);
            AddParameters(insert.Parameters, message, id, sentAt);
            insert.Parameters.AddWithValue("member_id", memberId);
            if (await insert.ExecuteScalarAsync(cancellationToken) is not long seq)
            {
                return null;
            }

            _events.Add((new MessageEvent(id, conversationId, seq, kind.WireName(), actorId, actorDeviceId, message.ClientMessageId, content, null, sentAt, memberId),
                kind is MessageKind.MemberRemoved or MessageKind.MemberLeft ? memberId : null));
            return seq;
        }

        /// <summary>Makes the membership change the event at <paramref name="seq"/> records; false when there was none to make.</summary>
        public async Task<bool> ApplyMembershipAsync(MessageKind change, Guid memberId, long seq, CancellationToken cancellationToken)
        {
            await using var update = new NpgsqlCommand(change == MessageKind.MemberAdded ? JoinSql : LeaveSql, connection, transaction);
            update.Parameters.AddWithValue("conversation_id", conversationId);
            update.Parameters.AddWithValue("member_id", memberId);
            update.Parameters.AddWithValue("sent_at", _events[^1].Event.SentAt);
            update.Parameters.AddWithValue("seq", seq);
            var changed = await update.ExecuteScalarAsync(cancellationToken) is not null;
            if (changed && change == MessageKind.MemberAdded)
            {
                // A member now, by whichever way: an invitation still open would let them back in after a removal.
                await using var invitation = new NpgsqlCommand("DELETE FROM group_invitations WHERE conversation_id = @conversation_id AND user_id = @member_id", connection, transaction);
                invitation.Parameters.AddWithValue("conversation_id", conversationId);
                invitation.Parameters.AddWithValue("member_id", memberId);
                await invitation.ExecuteNonQueryAsync(cancellationToken);
            }

            return changed;
        }

        /// <summary>Sets a member's role and records it as a <c>roleChanged</c> event whose content is the role's name.</summary>
        public async Task<Outcome<MessageEvent?>> SetRoleAsync(Guid memberId, MemberRole role, CancellationToken cancellationToken)
        {
            await using var update = new NpgsqlCommand(SetRoleSql, connection, transaction);
            update.Parameters.AddWithValue("conversation_id", conversationId);
            update.Parameters.AddWithValue("member_id", memberId);
            update.Parameters.AddWithValue("role", (int)role);
            await update.ExecuteNonQueryAsync(cancellationToken);
            await AppendAsync(MessageKind.RoleChanged, memberId, checkActor: false, cancellationToken, MemberRoleNames.WireName(role));
            return _events[^1].Event;
        }

        /// <summary>
        /// A group left without an owner passes to its longest-standing admin, or else its longest-standing member.
        /// Direct conversations have no owners.
        /// </summary>
        public async Task KeepAnOwnerAsync(CancellationToken cancellationToken)
        {
            var roles = await RolesAsync(cancellationToken);
            if (roles.Count == 0 || roles.Values.Any(r => r.Role == MemberRole.Owner))
            {
                return;
            }

            await using (var kind = new NpgsqlCommand("SELECT kind FROM conversations WHERE id = @conversation_id", connection, transaction))
            {
                kind.Parameters.AddWithValue("conversation_id", conversationId);
                if (await kind.ExecuteScalarAsync(cancellationToken) is not (int)ConversationKind.Group)
                {
                    return;
                }
            }

            var heir = roles.OrderByDescending(r => r.Value.Role).ThenBy(r => r.Value.JoinedAt).ThenBy(r => r.Key).First().Key;
            await SetRoleAsync(heir, MemberRole.Owner, cancellationToken);
        }

        /// <summary>Commits, then hands each event to the fan-out with the members as they are now (and the one who left, of their own event).</summary>
        public async Task<MessageEvent?> CommitAsync(CancellationToken cancellationToken)
        {
            var recipients = (await RolesAsync(cancellationToken)).Keys.ToList();
            await transaction.CommitAsync(cancellationToken);
            foreach (var (stored, alsoTo) in _events)
            {
                store.Publish(new FanoutEnvelope(stored, alsoTo is { } gone ? [.. recipients, gone] : recipients, Activity.Current?.Id));
            }

            return _events.Count == 0 ? null : _events[0].Event;
        }

        /// <summary>The current members' roles, locked.</summary>
        public async Task<Dictionary<Guid, (MemberRole Role, DateTimeOffset JoinedAt)>> RolesAsync(CancellationToken cancellationToken)
        {
            await using var command = new NpgsqlCommand(RolesSql, connection, transaction);
            command.Parameters.AddWithValue("conversation_id", conversationId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var roles = new Dictionary<Guid, (MemberRole, DateTimeOffset)>();
            while (await reader.ReadAsync(cancellationToken))
            {
                roles[reader.GetGuid(0)] = ((MemberRole)reader.GetInt32(1), reader.GetFieldValue<DateTimeOffset>(2));
            }

            return roles;
        }
    }
}
