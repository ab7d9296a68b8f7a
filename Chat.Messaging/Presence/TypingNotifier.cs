using Chat.Messaging.Conversations;
using Chat.Messaging.Errors;
using Chat.Messaging.Fanout;

namespace Chat.Messaging.Presence;

/// <summary>Tells a conversation's other members, on whichever node, that a member is typing.</summary>
public sealed class TypingNotifier(Membership membership, UserEventFanout userEvents)
{
    public async Task<ChatError?> TypingAsync(Guid conversationId, Guid userId, CancellationToken cancellationToken)
    {
        var (others, refused) = await membership.OthersAsync(conversationId, userId, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        await userEvents.PublishAsync(ChatEvents.Typing, new TypingEvent(conversationId, userId), others);
        return null;
    }
}
