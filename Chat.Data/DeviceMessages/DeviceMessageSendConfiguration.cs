using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Chat.Data.DeviceMessages;

internal sealed class DeviceMessageSendConfiguration : IEntityTypeConfiguration<DeviceMessageSend>
{
    public void Configure(EntityTypeBuilder<DeviceMessageSend> send)
    {
        send.HasKey(s => new { s.SenderDeviceId, s.ClientMessageId });
        send.Property(s => s.ClientMessageId).HasMaxLength(64);
        send.HasIndex(s => s.SentAt);
    }
}
