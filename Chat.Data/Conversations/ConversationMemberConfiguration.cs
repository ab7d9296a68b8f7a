using Chat.Data.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Chat.Data.Conversations;

internal sealed class ConversationMemberConfiguration : IEntityTypeConfiguration<ConversationMember>
{
    public void Configure(EntityTypeBuilder<ConversationMember> member)
    {
        member.HasKey(m => new { m.ConversationId, m.UserId });
        // "My conversations" and "who shares a conversation with me" both start from the user.
        member.HasIndex(m => m.UserId);
        member.HasOne<User>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
