using System.ComponentModel.DataAnnotations;

namespace Chat.Api.Auth;

public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(30);
}
