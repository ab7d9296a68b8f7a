using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Chat.Data.Accounts;

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> user)
    {
        user.Property(u => u.Username).HasMaxLength(32);
        user.Property(u => u.NormalizedUsername).HasMaxLength(32);
        user.HasIndex(u => u.NormalizedUsername).IsUnique();
        // The unique index uses the database collation, which LIKE 'ABC%' cannot use; this one serves prefix search.
        user.HasIndex(u => u.NormalizedUsername, "ix_users_normalized_username_prefix").HasOperators("text_pattern_ops");
        user.Property(u => u.DisplayName).HasMaxLength(64);
    }
}
