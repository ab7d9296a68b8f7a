namespace Chat.Data.Accounts;

public sealed class User
{
    public Guid Id { get; init; }

    /// <summary>As the user typed it; shown to others.</summary>
    public required string Username { get; init; }

    /// <summary>Upper-invariant form that carries the uniqueness, so "Alice" and "alice" cannot both exist.</summary>
    public required string NormalizedUsername { get; init; }

    public required string DisplayName { get; set; }

    /// <summary>ASP.NET Core Identity's PBKDF2 hash format (salted, versioned, iteration count embedded).</summary>
    public required string PasswordHash { get; set; }

    public DateTimeOffset CreatedAt { get; init; }
}
