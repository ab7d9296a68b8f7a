using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Chat.Data.Push;

internal sealed class PushOutboxEntryConfiguration : IEntityTypeConfiguration<PushOutboxEntry>
{
    public void Configure(EntityTypeBuilder<PushOutboxEntry> entry)
    {
        entry.ToTable("push_outbox");
        // The worker's poll reads only the pending rows, oldest first.
        entry.HasIndex(e => e.Id).HasFilter("processed_at IS NULL").HasDatabaseName("ix_push_outbox_pending");
        // A call's start may be retried, on any node: its push is queued once.
        entry.HasIndex(e => e.CallId).IsUnique().HasFilter("call_id IS NOT NULL");
    }
}

internal sealed class PushDeliveryConfiguration : IEntityTypeConfiguration<PushDelivery>
{
    public void Configure(EntityTypeBuilder<PushDelivery> delivery) => delivery.HasKey(d => new { d.OutboxId, d.DeviceId });
}
