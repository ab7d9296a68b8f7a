using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Chat.Data.Conversations;

internal sealed class ConversationConfiguration : IEntityTypeConfiguration<Conversation>
{
    public void Configure(EntityTypeBuilder<Conversation> conversation)
    {
        conversation.Property(c => c.Title).HasMaxLength(128);
        conversation.Property(c => c.DirectKey).HasMaxLength(65);
        conversation.HasIndex(c => c.DirectKey).IsUnique();
        // The daily limits count what one user created lately.
        conversation.HasIndex(c => new { c.CreatedBy, c.CreatedAt });
        conversation.HasMany(c => c.Members).WithOne().HasForeignKey(m => m.ConversationId).OnDelete(DeleteBehavior.Cascade);
    }
}
