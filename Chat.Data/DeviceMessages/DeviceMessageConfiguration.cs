using Chat.Data.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Chat.Data.DeviceMessages;

internal sealed class DeviceMessageConfiguration : IEntityTypeConfiguration<DeviceMessage>
{
    public void Configure(EntityTypeBuilder<DeviceMessage> message)
    {
        message.HasKey(m => new { m.RecipientDeviceId, m.Seq });
        message.HasOne<Device>().WithMany().HasForeignKey(m => m.RecipientDeviceId).OnDelete(DeleteBehavior.Cascade);
        message.Property(m => m.ClientMessageId).HasMaxLength(64);
        message.HasIndex(m => m.SentAt);
    }
}
