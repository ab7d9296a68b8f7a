using System.ComponentModel.DataAnnotations;
using Chat.Api.Validation;

namespace Chat.Api.Auth;

public sealed record RegisterRequest(
    [property: Required, Username] string Username,
    [property: Required, MinLength(8), MaxLength(128)] string Password,
    [property: Required, MinLength(1), MaxLength(64), PlainText] string DisplayName);

public sealed record LoginRequest(
    [property: Required, MaxLength(32)] string Username,
    [property: Required, MaxLength(128)] string Password,
    [property: MaxLength(64), PlainText] string? DeviceName);

public sealed record RefreshRequest([property: Required, MaxLength(128)] string RefreshToken);

/// <summary>What register, login and refresh answer: a short-lived access token and a single-use refresh token.</summary>
public sealed record TokenResponse(Guid UserId, Guid DeviceId, string AccessToken, string RefreshToken, int ExpiresIn);

public static class UsernameRule
{
    public const string Pattern = @"^[\p{L}\p{Nd}_.\-]{3,32}$";
    public const string Message = "Usernames are 3 to 32 letters, digits, '_', '.' or '-'.";

    /// <summary>
    /// Uniqueness ignores case and Unicode composition: the normalized form is what the unique index holds. A
    /// username is stored composed (NFC), and the rule applies to that form: composing lengthens a few letters.
    /// </summary>
    public static string Normalize(string username) =>
        (username.IsNormalized() ? username : Compose(username)).ToUpperInvariant();

    /// <summary>NFC, or the text as it is when it cannot be composed (a lone surrogate): no username matches it then.</summary>
    public static string Compose(string username)
    {
        try
        {
            return username.Normalize();
        }
        catch (ArgumentException)
        {
            return username;
        }
    }
}
