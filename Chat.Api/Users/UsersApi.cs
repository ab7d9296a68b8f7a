using Chat.Api.Validation;
using System.ComponentModel.DataAnnotations;
using Chat.Api.Auth;
using Chat.Api.RateLimiting;
using Chat.Data;
using Chat.Data.Accounts;
using Chat.Messaging.Conversations;
using Chat.Messaging.Presence;
using Chat.ServiceDefaults.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Chat.Api.Users;

public static class UsersApi
{
    public const int MaxPageSize = 50;

    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder routes)
    {
        var users = routes.MapGroup("/api/users").WithTags("Users").RequireAuthorization().RequireUserRateLimit();
        users.MapGet("/me", GetMe).WithSummary("The signed-in user.");
        users.MapGet("/", Search).WithSummary("Prefix search on username and display name, paged.");
        users.MapGet("/{id:guid}", GetById).WithSummary("One user's public profile.");
        users.MapGet("/{id:guid}/presence", GetPresence).WithSummary("Whether a user is online, and when they were last seen.");
        return routes;
    }

    private static async Task<Results<Ok<UserResponse>, NotFound>> GetMe(HttpContext context, ChatDbContext db, CancellationToken cancellationToken) =>
        await GetById(context.User.GetUserId(), db, cancellationToken);

    private static async Task<Results<Ok<UserResponse>, NotFound>> GetById(Guid id, ChatDbContext db, CancellationToken cancellationToken)
    {
        var user = await db.Users.AsNoTracking().Where(u => u.Id == id).Select(ToResponse).SingleOrDefaultAsync(cancellationToken);
        return user is null ? TypedResults.NotFound() : TypedResults.Ok(user);
    }

    /// <summary>Presence is visible to the user and to those who share a conversation with them (<see cref="ConversationContacts"/>).</summary>
    private static async Task<Results<Ok<PresenceStatus>, ProblemHttpResult>> GetPresence(
        Guid id, HttpContext context, ConversationContacts contacts, PresenceReader presence, CancellationToken cancellationToken)
    {
        if (!await contacts.SeePresenceAsync(context.User.GetUserId(), id, cancellationToken))
        {
            return ApiProblems.Forbidden("Presence is visible only to users who share a conversation.");
        }

        return TypedResults.Ok(await presence.ReadAsync(id));
    }

    private static async Task<Ok<UserPage>> Search(
        [Required, MinLength(1), MaxLength(64), PlainText] string query,
        ChatDbContext db,
        CancellationToken cancellationToken,
        [Range(1, 10_000)] int page = 1,
        [Range(1, MaxPageSize)] int pageSize = 20)
    {
        var usernamePrefix = UsernameRule.Normalize(query.Trim());
        var displayPrefix = query.Trim().ToLowerInvariant();
        // One row more than asked tells whether another page exists without a COUNT.
        var rows = await db.Users.AsNoTracking()
            .Where(u => u.NormalizedUsername.StartsWith(usernamePrefix) || u.DisplayName.ToLower().StartsWith(displayPrefix))
            .OrderBy(u => u.NormalizedUsername)
            .Skip((page - 1) * pageSize)
            .Take(pageSize + 1)
            .Select(ToResponse)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new UserPage(rows.Take(pageSize).ToList(), page, pageSize, rows.Count > pageSize));
    }

    private static readonly System.Linq.Expressions.Expression<Func<User, UserResponse>> ToResponse =
        u => new UserResponse(u.Id, u.Username, u.DisplayName, u.CreatedAt);
}
