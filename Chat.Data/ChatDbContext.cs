using Chat.Data.Accounts;
using Chat.Data.Attachments;
using Chat.Data.Contacts;
using Chat.Data.Conversations;
using Chat.Data.DeviceMessages;
using Chat.Data.Keys;
using Chat.Data.Push;
using Microsoft.EntityFrameworkCore;

namespace Chat.Data;

public sealed class ChatDbContext(DbContextOptions<ChatDbContext> options) : DbContext(options)
{
    public DbSet<User> Users => Set<User>();
    public DbSet<Device> Devices => Set<Device>();
    public DbSet<RefreshToken> RefreshTokens => Set<RefreshToken>();
    public DbSet<Conversation> Conversations => Set<Conversation>();
    public DbSet<ConversationMember> ConversationMembers => Set<ConversationMember>();
    public DbSet<Message> Messages => Set<Message>();
    public DbSet<PushOutboxEntry> PushOutbox => Set<PushOutboxEntry>();
    public DbSet<PushDelivery> PushDeliveries => Set<PushDelivery>();
    public DbSet<DeviceKeys> DeviceKeys => Set<DeviceKeys>();
    public DbSet<OneTimePrekey> OneTimePrekeys => Set<OneTimePrekey>();
    public DbSet<DeviceMessage> DeviceMessages => Set<DeviceMessage>();
    public DbSet<DeviceMessageSend> DeviceMessageSends => Set<DeviceMessageSend>();
    public DbSet<Attachment> Attachments => Set<Attachment>();
    public DbSet<UserBlock> UserBlocks => Set<UserBlock>();
    public DbSet<GroupInvitation> GroupInvitations => Set<GroupInvitation>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ChatDbContext).Assembly);
}
