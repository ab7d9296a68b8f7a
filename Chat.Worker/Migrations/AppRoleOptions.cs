using System.ComponentModel.DataAnnotations;

namespace Chat.Worker.Migrations;

/// <summary>The services' PostgreSQL role, which the migrations create and grant; no role is made without a password.</summary>
public sealed class AppRoleOptions
{
    public const string SectionName = "Database";

    [Required, RegularExpression("^[a-z_][a-z0-9_]{0,62}$")]
    public string AppRole { get; set; } = "chat_app";

    public string? AppRolePassword { get; set; }
}
