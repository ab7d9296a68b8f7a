using System.Security.Claims;

namespace Chat.ServiceDefaults.Authentication;

/// <summary>The claims our access tokens carry. Inbound claim mapping is off, so they keep these short names.</summary>
public static class ChatClaims
{
    public const string UserId = "sub";
    public const string DeviceId = "did";
    public const string Username = "name";

    public static Guid GetUserId(this ClaimsPrincipal principal) => Parse(principal, UserId);

    public static Guid GetDeviceId(this ClaimsPrincipal principal) => Parse(principal, DeviceId);

    /// <summary>
    /// The principal with our claims only, detached from the validated token (the identity JwtBearer builds keeps
    /// the parsed token): a realtime connection holds its principal for hours, so each byte counts per connection.
    /// </summary>
    public static ClaimsPrincipal Slim(ClaimsPrincipal principal, string authenticationType) =>
        new(new ClaimsIdentity(
            principal.Claims.Where(c => c.Type is UserId or DeviceId or Username).Select(c => new Claim(c.Type, c.Value)),
            authenticationType, Username, "role"));

    private static Guid Parse(ClaimsPrincipal principal, string type) =>
        Guid.TryParse(principal.FindFirstValue(type), out var id)
            ? id
            : throw new InvalidOperationException($"The authenticated principal has no {type} claim.");
}
