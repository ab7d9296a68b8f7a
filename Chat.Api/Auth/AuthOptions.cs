using System.ComponentModel.DataAnnotations;

namespace Chat.Api.Auth;

public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Wrong passwords (or unknown usernames) for one account before its sign-ins pause, whatever the address.</summary>
    [Range(1, 1000)]
    public int MaxFailedLogins { get; set; } = 10;

    /// <summary>How long an account's failed sign-ins count; the pause ends when the window does.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan FailedLoginWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>PBKDF2 (HMAC-SHA512) iterations for password hashes: OWASP's 2023 figure. Older hashes are upgraded at sign-in.</summary>
    [Range(210_000, 10_000_000)]
    public int PasswordHashIterations { get; set; } = 210_000;
}
