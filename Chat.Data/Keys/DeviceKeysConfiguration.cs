using Chat.Data.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Chat.Data.Keys;

internal sealed class DeviceKeysConfiguration : IEntityTypeConfiguration<DeviceKeys>
{
    public void Configure(EntityTypeBuilder<DeviceKeys> keys)
    {
        keys.HasKey(k => k.DeviceId);
        keys.HasOne<Device>().WithOne().HasForeignKey<DeviceKeys>(k => k.DeviceId).OnDelete(DeleteBehavior.Cascade);
        keys.HasIndex(k => k.UserId);
    }
}
