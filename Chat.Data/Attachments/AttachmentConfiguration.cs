using Chat.Data.Conversations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Chat.Data.Attachments;

internal sealed class AttachmentConfiguration : IEntityTypeConfiguration<Attachment>
{
    public void Configure(EntityTypeBuilder<Attachment> attachment)
    {
        attachment.Property(a => a.ContentType).HasMaxLength(100);
        attachment.Property(a => a.Sha256).HasMaxLength(64).IsFixedLength();
        attachment.HasOne<Conversation>().WithMany().HasForeignKey(a => a.ConversationId).OnDelete(DeleteBehavior.Cascade);
        // A quota sums what each uploader has stored.
        attachment.HasIndex(a => a.UploaderId).HasFilter("blob_deleted_at IS NULL");
        attachment.HasIndex(a => a.MessageId).IsUnique().HasFilter("message_id IS NOT NULL");
        // The worker's clean-up reads only what still has a blob: unused ones by age, and deleted ones.
        attachment.HasIndex(a => a.CreatedAt).HasFilter("message_id IS NULL AND blob_deleted_at IS NULL").HasDatabaseName("ix_attachments_unused");
        attachment.HasIndex(a => a.DeletedAt).HasFilter("deleted_at IS NOT NULL AND blob_deleted_at IS NULL").HasDatabaseName("ix_attachments_to_delete");
    }
}
