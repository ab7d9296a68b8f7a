using Chat.Api.RateLimiting;
using Chat.Data;
using Chat.Data.Conversations;
using Chat.Messaging.Conversations;
using Chat.Messaging.Errors;
using Chat.Messaging.Messages;
using Chat.ServiceDefaults.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using static Chat.Api.ApiProblems;
using Npgsql;

namespace Chat.Api.Conversations;

public static class ConversationsApi
{
    public static IEndpointRouteBuilder MapConversationsApi(this IEndpointRouteBuilder routes)
    {
        var conversations = routes.MapGroup("/api/conversations").WithTags("Conversations").RequireAuthorization().RequireUserRateLimit();
        conversations.MapPost("/", Create).WithSummary("The direct conversation with a user (created if needed), or a new group.");
        conversations.MapGet("/", List).WithSummary("The caller's conversations, newest activity first, a page at a time (?after=next&limit=); ?hidden=true lists the hidden ones.");
        conversations.MapGet("/{id:guid}", Get).WithSummary("One of the caller's conversations, with its current members.");
        conversations.MapPatch("/{id:guid}", Rename).WithSummary("Rename a group (owners and admins).");
        conversations.MapPost("/{id:guid}/members", AddMember).WithSummary("Add a member to a group, or invite a stranger (owners and admins).");
        conversations.MapDelete("/{id:guid}/members/{userId:guid}", RemoveMember).WithSummary("Remove a member or withdraw an invitation (owners and admins), or leave.");
        return routes;
    }

    /// <summary>
    /// A direct conversation with someone who shares no conversation with the caller is a message request; people
    /// in a new group who are strangers to its owner are invited, not made members.
    /// </summary>
    private static async Task<Results<Created<ConversationResponse>, Ok<ConversationResponse>, ValidationProblem, ProblemHttpResult>> Create(
        CreateConversationRequest request, HttpContext context, ChatDbContext db, ConversationQueries queries, ConversationContacts contacts,
        IOptions<ConversationOptions> options, InvitationBudget invitations, CreationLimits limits, GroupInvitations groupInvitations,
        TimeProvider time, CancellationToken cancellationToken)
    {
        List<Guid> invited = [];
        var me = context.User.GetUserId();
        var now = time.GetUtcNow();
        Conversation conversation;
        if (request.Kind == "direct")
        {
            if (request.UserId is not { } other || other == me)
            {
                return Invalid("userId", "A direct conversation needs the id of another user.");
            }

            if (!await db.Users.AnyAsync(u => u.Id == other, cancellationToken))
            {
                return Invalid("userId", "No user has this id.");
            }

            var key = Conversation.DirectKeyOf(me, other);
            if (await db.Conversations.AsNoTracking().SingleOrDefaultAsync(c => c.DirectKey == key, cancellationToken) is { } existing)
            {
                return TypedResults.Ok((await queries.ForUserAsync(me, existing.Id, cancellationToken)).Single());
            }

            var stranger = (await contacts.StrangersAsync(me, [other], cancellationToken)).Count > 0;
            if (stranger && await limits.RequestWaitAsync(me, cancellationToken) is { } daily)
            {
                return RateLimited(context, daily, "message requests to people you share no conversation with");
            }

            if (invitations.TryTake(me, 1) is { } wait)
            {
                return RateLimited(context, wait, "new conversations");
            }

            conversation = NewConversation(ConversationKind.Direct, null, key, me, now, [(me, MemberRole.Member), (other, MemberRole.Member)]);
            var recipient = conversation.Members.Single(m => m.UserId == other);
            recipient.Request = stranger ? MessageRequest.Pending : MessageRequest.None;
            if (await db.UserBlocks.AnyAsync(b => b.BlockerId == other && b.BlockedId == me, cancellationToken))
            {
                // Nothing can be sent in it, so the one who blocked never sees it; the blocked one learns nothing.
                recipient.HiddenThroughSeq = 0;
            }
        }
        else
        {
            if (string.IsNullOrWhiteSpace(request.Title))
            {
                return Invalid("title", "A group needs a title.");
            }

            var others = (request.MemberIds ?? []).Where(id => id != me).Distinct().ToList();
            if (others.Count + 1 > options.Value.MaxGroupMembers)
            {
                return Invalid("memberIds", $"A group holds at most {options.Value.MaxGroupMembers} members, its owner included.");
            }

            var known = await db.Users.Where(u => others.Contains(u.Id)).CountAsync(cancellationToken);
            if (known != others.Count)
            {
                return Invalid("memberIds", "Some member ids name no user.");
            }

            if (await contacts.AnyBlockAsync(me, others, cancellationToken))
            {
                return ChatErrors.Blocked.ToProblem();
            }

            if (await limits.GroupWaitAsync(me, cancellationToken) is { } daily)
            {
                return RateLimited(context, daily, "new groups");
            }

            if (invitations.TryTake(me, others.Count) is { } wait)
            {
                return RateLimited(context, wait, "people added to conversations");
            }

            var strangers = await contacts.StrangersAsync(me, others, cancellationToken);
            conversation = NewConversation(ConversationKind.Group, request.Title.Trim(), null, me, now,
                [(me, MemberRole.Owner), .. others.Where(id => !strangers.Contains(id)).Select(id => (id, MemberRole.Member))]);
            invited = [.. strangers];
            groupInvitations.Stage(conversation, me, invited);
        }

        db.Conversations.Add(conversation);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // The other user created the same direct conversation at the same moment: theirs is the one.
            var winner = await db.Conversations.AsNoTracking().SingleAsync(c => c.DirectKey == conversation.DirectKey, cancellationToken);
            return TypedResults.Ok((await queries.ForUserAsync(me, winner.Id, cancellationToken)).Single());
        }

        await groupInvitations.AnnounceAsync(conversation.Id, invited, cancellationToken);
        var created = (await queries.ForUserAsync(me, conversation.Id, cancellationToken)).Single();
        return TypedResults.Created($"/api/conversations/{conversation.Id}", created);
    }

    private static async Task<Results<Ok<ConversationPage>, ValidationProblem>> List(
        HttpContext context, ConversationQueries queries, CancellationToken cancellationToken, string? after = null, int? limit = null, bool hidden = false)
    {
        ConversationCursor? cursor = null;
        if (after is not null)
        {
            if (!ConversationCursor.TryParse(after, out var parsed))
            {
                return Invalid("after", "after must be the next cursor of an earlier page.");
            }

            cursor = parsed;
        }

        if (limit is < 1 or > ConversationOptions.MaxPageSize)
        {
            return Invalid("limit", $"limit must be from 1 to {ConversationOptions.MaxPageSize}.");
        }

        var size = limit ?? ConversationOptions.DefaultPageSize;
        var page = await queries.PageAsync(context.User.GetUserId(), conversationId: null, hidden, cursor, size, cancellationToken);
        var next = page.Count == size ? new ConversationCursor(page[^1].LastActivityAt, page[^1].Id).ToString() : null;
        return TypedResults.Ok(new ConversationPage(page, next));
    }

    private static async Task<Results<Ok<ConversationResponse>, NotFound>> Get(
        Guid id, HttpContext context, ConversationQueries queries, CancellationToken cancellationToken) =>
        (await queries.ForUserAsync(context.User.GetUserId(), id, cancellationToken)).SingleOrDefault() is { } conversation
            ? TypedResults.Ok(conversation)
            : TypedResults.NotFound();

    private static async Task<Results<Ok<ConversationResponse>, NotFound, ProblemHttpResult>> Rename(
        Guid id, RenameConversationRequest request, HttpContext context, ChatDbContext db, ConversationQueries queries, CancellationToken cancellationToken)
    {
        var me = context.User.GetUserId();
        var (conversation, role) = await LoadAsync(db, id, me, cancellationToken);
        if (conversation is null || role is null)
        {
            return TypedResults.NotFound();
        }

        if (conversation.Kind != ConversationKind.Group || role < MemberRole.Admin)
        {
            return Forbidden("Only a group's owners and admins may rename it.");
        }

        conversation.Title = request.Title.Trim();
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok((await queries.ForUserAsync(me, id, cancellationToken)).Single());
    }

    /// <summary>Someone who shares a conversation with the caller becomes a member; a stranger is invited (202).</summary>
    private static async Task<Results<Ok<ConversationResponse>, Accepted<ConversationResponse>, NotFound, ProblemHttpResult, ValidationProblem>> AddMember(
        Guid id, AddMemberRequest request, HttpContext context, ChatDbContext db, ConversationQueries queries, ConversationContacts contacts,
        IOptions<ConversationOptions> options, InvitationBudget invitations, GroupInvitations groupInvitations, MessageStore store,
        CancellationToken cancellationToken)
    {
        var me = context.User.GetUserId();
        var (conversation, role) = await LoadAsync(db, id, me, cancellationToken);
        if (conversation is null || role is null)
        {
            return TypedResults.NotFound();
        }

        if (conversation.Kind != ConversationKind.Group || role < MemberRole.Admin)
        {
            return Forbidden("Only a group's owners and admins may add members.");
        }

        if (!await db.Users.AnyAsync(u => u.Id == request.UserId, cancellationToken))
        {
            return Invalid("userId", "No user has this id.");
        }

        if (await db.ConversationMembers.CurrentOf(id, request.UserId).AnyAsync(cancellationToken))
        {
            return TypedResults.Ok((await queries.ForUserAsync(me, id, cancellationToken)).Single());
        }

        if (await db.ConversationMembers.Current().CountAsync(m => m.ConversationId == id, cancellationToken) >= options.Value.MaxGroupMembers)
        {
            return Invalid("userId", $"The group already has {options.Value.MaxGroupMembers} members, the most it may hold.");
        }

        if (await contacts.AnyBlockAsync(me, [request.UserId], cancellationToken))
        {
            return ChatErrors.Blocked.ToProblem();
        }

        if (invitations.TryTake(me, 1) is { } wait)
        {
            return RateLimited(context, wait, "people added to conversations");
        }

        if ((await contacts.StrangersAsync(me, [request.UserId], cancellationToken)).Count > 0)
        {
            if (await groupInvitations.InviteAsync(id, me, request.UserId, cancellationToken))
            {
                await groupInvitations.AnnounceAsync(id, [request.UserId], cancellationToken);
            }

            return TypedResults.Accepted($"/api/conversations/{id}", (await queries.ForUserAsync(me, id, cancellationToken)).Single());
        }

        var (_, refused) = await store.ChangeMembershipAsync(id, me, context.User.GetDeviceId(), MessageKind.MemberAdded, request.UserId, cancellationToken);
        return refused is null ? TypedResults.Ok((await queries.ForUserAsync(me, id, cancellationToken)).Single()) : refused.ToProblem();
    }

    /// <summary>
    /// The member keeps what was sent up to their removal, which they are told of, and sees nothing after. The last
    /// owner to go leaves the group to another (<see cref="MessageStore.ChangeMembershipAsync"/>).
    /// </summary>
    private static async Task<Results<NoContent, NotFound, ProblemHttpResult>> RemoveMember(
        Guid id, Guid userId, HttpContext context, ChatDbContext db, MessageStore store, CancellationToken cancellationToken)
    {
        var me = context.User.GetUserId();
        var (conversation, role) = await LoadAsync(db, id, me, cancellationToken);
        var target = await db.ConversationMembers.CurrentOf(id, userId).SingleOrDefaultAsync(cancellationToken);
        if (conversation is null || role is null)
        {
            return TypedResults.NotFound();
        }

        if (target is null)
        {
            // Not a member: perhaps invited, which an owner or admin may withdraw.
            var withdrawn = role >= MemberRole.Admin
                && await db.GroupInvitations.Where(i => i.ConversationId == id && i.UserId == userId).ExecuteDeleteAsync(cancellationToken) > 0;
            return withdrawn ? TypedResults.NoContent() : TypedResults.NotFound();
        }

        if (conversation.Kind != ConversationKind.Group)
        {
            return Forbidden("Nobody can leave or be removed from a direct conversation.");
        }

        if (userId != me && (role < MemberRole.Admin || target.Role >= role))
        {
            return Forbidden("Only owners and admins may remove others, and only members of a lower role.");
        }

        var change = userId == me ? MessageKind.MemberLeft : MessageKind.MemberRemoved;
        var (_, refused) = await store.ChangeMembershipAsync(id, me, context.User.GetDeviceId(), change, userId, cancellationToken);
        return refused is null ? TypedResults.NoContent() : refused.ToProblem();
    }

    private static async Task<(Conversation? Conversation, MemberRole? Role)> LoadAsync(ChatDbContext db, Guid id, Guid userId, CancellationToken cancellationToken)
    {
        var conversation = await db.Conversations.SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        var role = await db.ConversationMembers.CurrentOf(id, userId)
            .Select(m => (MemberRole?)m.Role).SingleOrDefaultAsync(cancellationToken);
        return (conversation, role);
    }

    private static Conversation NewConversation(ConversationKind kind, string? title, string? directKey, Guid creator, DateTimeOffset now,
        IEnumerable<(Guid UserId, MemberRole Role)> members) => new()
        {
            Id = Guid.CreateVersion7(now),
            Kind = kind,
            Title = title,
            DirectKey = directKey,
            CreatedBy = creator,
            CreatedAt = now,
            LastActivityAt = now,
            Members = members.Select(m => new ConversationMember { UserId = m.UserId, Role = m.Role, JoinedAt = now }).ToList(),
        };
}
