using Chat.Data;
using Chat.Data.Conversations;
using Chat.Messaging.Conversations;
using Chat.Messaging.Fanout;
using Chat.Messaging.Presence;
using Chat.Messaging.Receipts;
using Microsoft.EntityFrameworkCore;

namespace Chat.Api.Conversations;

/// <summary>
/// A recipient's answer to a message request. Accepted, the conversation is a normal one at once: the two see each
/// other's presence, and the requester learns how far the recipient has read, which the request kept to itself.
/// </summary>
public sealed class MessageRequests(ChatDbContext db, ConversationContacts contacts, PresenceIntroductions introductions, UserEventFanout userEvents)
{
    /// <summary>False when there was no request of the user's to accept (none, or answered already).</summary>
    public async Task<bool> AcceptAsync(Guid conversationId, Guid userId, CancellationToken cancellationToken)
    {
        var accepted = await db.ConversationMembers.CurrentOf(conversationId, userId).Where(m => m.Request == MessageRequest.Pending)
            .ExecuteUpdateAsync(m => m.SetProperty(x => x.Request, MessageRequest.Accepted).SetProperty(x => x.HiddenThroughSeq, (long?)null), cancellationToken);
        if (accepted == 0)
        {
            return false;
        }

        var sender = await db.ConversationMembers.Where(m => m.ConversationId == conversationId && m.UserId != userId).Select(m => m.UserId).SingleAsync(cancellationToken);
        if (!await contacts.SeePresenceAsync(userId, sender, cancellationToken))
        {
            // A block between them still stands: they stay out of each other's sight.
            return true;
        }

        await introductions.IntroduceAsync(userId, sender);
        var mine = await db.ConversationMembers.AsNoTracking().CurrentOf(conversationId, userId).SingleAsync(cancellationToken);
        if (mine.DeliveredSeq > mine.ReadSeq)
        {
            await userEvents.PublishAsync(ChatEvents.Receipt, new ReceiptEvent(conversationId, userId, ReceiptKinds.Delivered, mine.DeliveredSeq), [sender]);
        }

        if (mine.ReadSeq > 0)
        {
            await userEvents.PublishAsync(ChatEvents.Receipt, new ReceiptEvent(conversationId, userId, ReceiptKinds.Read, mine.ReadSeq), [sender]);
        }

        return true;
    }
}
