using Chat.Data.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Chat.Data.Keys;

internal sealed class OneTimePrekeyConfiguration : IEntityTypeConfiguration<OneTimePrekey>
{
    public void Configure(EntityTypeBuilder<OneTimePrekey> prekey)
    {
        prekey.HasKey(p => new { p.DeviceId, p.KeyId });
        prekey.HasOne<Device>().WithMany().HasForeignKey(p => p.DeviceId).OnDelete(DeleteBehavior.Cascade);
    }
}
