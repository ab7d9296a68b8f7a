using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Chat.Data.Conversations;

internal sealed class MessageConfiguration : IEntityTypeConfiguration<Message>
{
    public void Configure(EntityTypeBuilder<Message> message)
    {
        message.HasIndex(m => new { m.ConversationId, m.Seq }).IsUnique();
        // Idempotent sends: one message per sender and client id, whichever node the resend reaches.
        message.HasIndex(m => new { m.SenderId, m.ClientMessageId }).IsUnique();
        // Only edits and deletes name a target: new text messages, most of the writes, skip this index.
        message.HasIndex(m => m.TargetMessageId).HasFilter("target_message_id IS NOT NULL");
        message.Property(m => m.ClientMessageId).HasMaxLength(64);
        message.HasOne<Conversation>().WithMany().HasForeignKey(m => m.ConversationId).OnDelete(DeleteBehavior.Cascade);
    }
}
