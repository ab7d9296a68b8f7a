using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Chat.Data.Accounts;

internal sealed class DeviceConfiguration : IEntityTypeConfiguration<Device>
{
    public void Configure(EntityTypeBuilder<Device> device)
    {
        device.Property(d => d.Name).HasMaxLength(64);
        device.Property(d => d.Platform).HasMaxLength(16);
        device.Property(d => d.PushToken).HasMaxLength(4096);
        device.HasOne<User>().WithMany().HasForeignKey(d => d.UserId).OnDelete(DeleteBehavior.Cascade);
        device.HasIndex(d => d.UserId);
        device.HasIndex(d => d.PushToken);
    }
}
