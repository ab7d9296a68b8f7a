using Chat.Messaging.Conversations;
using Chat.Messaging.Errors;
using Chat.Messaging.Fanout;
using Npgsql;

namespace Chat.Messaging.Presence;

/// <summary>Tells a conversation's other members, on whichever node, that a member is typing.</summary>
public sealed class TypingNotifier(NpgsqlDataSource dataSource, UserEventFanout userEvents)
{
    /// <summary>Not across a block, nor while a message request is unanswered: typing shows presence.</summary>
    public async Task<ChatError?> TypingAsync(Guid conversationId, Guid userId, CancellationToken cancellationToken)
    {
        var (others, refused) = await Membership.LiveOthersAsync(dataSource, conversationId, userId, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        await userEvents.PublishAsync(ChatEvents.Typing, new TypingEvent(conversationId, userId), others);
        return null;
    }
}
