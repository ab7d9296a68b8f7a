using Chat.Api.Devices;
using Chat.Api.RateLimiting;
using Chat.Data;
using Chat.Data.Accounts;
using Chat.ServiceDefaults.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Chat.Api.Auth;

public static class AuthApi
{
    /// <summary>One answer for an unknown user and a wrong password, so the API does not reveal which usernames exist.</summary>
    private const string InvalidCredentials = "The username or password is incorrect.";

    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder routes)
    {
        var auth = routes.MapGroup("/api/auth").WithTags("Auth");

        var anonymous = auth.MapGroup("").RequireClientAddressRateLimit();
        anonymous.MapPost("/register", Register).WithSummary("Create an account and sign in its first device.");
        anonymous.MapPost("/login", Login).WithSummary("Sign in a new device.");
        anonymous.MapPost("/refresh", Refresh).WithSummary("Trade a refresh token, once, for a new token pair.");

        auth.MapPost("/logout", Logout).RequireAuthorization().RequireUserRateLimit()
            .WithSummary("Sign out the calling device: its refresh and access tokens stop working.");
        return routes;
    }

    private static async Task<Results<Created<TokenResponse>, ProblemHttpResult>> Register(
        RegisterRequest request, ChatDbContext db, IPasswordHasher<User> hasher, DeviceSessions sessions, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var user = new User
        {
            Id = Guid.CreateVersion7(),
            Username = UsernameRule.Compose(request.Username),
            NormalizedUsername = UsernameRule.Normalize(request.Username),
            DisplayName = request.DisplayName.Trim(),
            PasswordHash = "",
            CreatedAt = time.GetUtcNow(),
        };
        user.PasswordHash = hasher.HashPassword(user, request.Password);
        db.Users.Add(user);
        try
        {
            var tokens = await sessions.StartAsync(user, deviceName: null, cancellationToken);
            return TypedResults.Created($"/api/users/{user.Id}", tokens);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Username taken",
                detail: $"The username '{request.Username}' is already taken (usernames ignore case).");
        }
    }

    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> Login(
        LoginRequest request, ChatDbContext db, IPasswordHasher<User> hasher, DeviceSessions sessions, LoginThrottle throttle,
        HttpContext http, CancellationToken cancellationToken)
    {
        var normalized = UsernameRule.Normalize(request.Username);
        if (await throttle.AttemptAsync(normalized) is { } pause)
        {
            return ApiProblems.RateLimited(http, pause, "sign-ins for this account");
        }

        var user = await db.Users.SingleOrDefaultAsync(u => u.NormalizedUsername == normalized, cancellationToken);

        // An unknown username costs the same hash as a wrong password, so the time taken does not tell them apart.
        var verdict = hasher.VerifyHashedPassword(user ?? UnknownUser, user?.PasswordHash ?? UnknownUserHash(hasher), request.Password);
        if (user is null || verdict == PasswordVerificationResult.Failed)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in failed", detail: InvalidCredentials);
        }

        await throttle.SucceededAsync(normalized);
        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = hasher.HashPassword(user, request.Password);
        }

        return TypedResults.Ok(await sessions.StartAsync(user, request.DeviceName, cancellationToken));
    }

    private static readonly User UnknownUser = new() { Username = "", NormalizedUsername = "", DisplayName = "", PasswordHash = "" };
    private static string? _unknownUserHash;

    private static string UnknownUserHash(IPasswordHasher<User> hasher) =>
        _unknownUserHash ??= hasher.HashPassword(UnknownUser, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)));

    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> Refresh(
        RefreshRequest request, RefreshTokenStore refreshTokens, ChatDbContext db, DeviceSessions sessions, CancellationToken cancellationToken)
    {
        var rotation = await refreshTokens.RotateAsync(request.RefreshToken, cancellationToken);
        if (rotation is RefreshTokenStore.Reused reused)
        {
            // The thief and the owner each hold a token of the sign-in; neither may keep its connections or access tokens.
            await sessions.EndAsync(reused.UserId, reused.DeviceId, cancellationToken);
        }

        if (rotation is not RefreshTokenStore.Rotated rotated)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Refresh refused",
                detail: "The refresh token is unknown, expired, revoked or already used. Sign in again.");
        }

        var username = await db.Users.Where(u => u.Id == rotated.Previous.UserId).Select(u => u.Username).SingleAsync(cancellationToken);
        return TypedResults.Ok(sessions.Tokens(rotated.Previous.UserId, rotated.Previous.DeviceId, username, rotated.Token));
    }

    private static async Task<NoContent> Logout(HttpContext context, DeviceSessions sessions, CancellationToken cancellationToken)
    {
        await sessions.EndAsync(context.User.GetUserId(), context.User.GetDeviceId(), cancellationToken);
        return TypedResults.NoContent();
    }
}
