using Chat.Messaging.Conversations;
using Chat.Messaging.Fanout;

namespace Chat.Messaging.Devices;

/// <summary>
/// Tells everyone who shares a conversation with a user, in conversations of any size, and the user's own devices,
/// that the user's devices changed: a sender encrypts for each device, so it must learn of a new or removed one
/// before its next message, not after (as Signal's answers do, and Matrix's "unable to decrypt" does not).
/// </summary>
public sealed class DeviceListNotifier(ConversationContacts contacts, UserEventFanout userEvents)
{
    public async Task ChangedAsync(Guid userId, CancellationToken cancellationToken)
    {
        var told = await contacts.AllAsync(userId, cancellationToken);
        told.Add(userId);
        await userEvents.PublishAsync(ChatEvents.Devices, new DevicesChanged(userId), told);
    }
}
