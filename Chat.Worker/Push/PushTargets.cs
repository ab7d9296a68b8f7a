using Chat.Data;
using Chat.Data.Presence;
using Chat.Data.Push;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Chat.Worker.Push;

/// <summary>One device to notify, with the badge (unread count) of its user.</summary>
public sealed record PushTarget(Guid DeviceId, Guid UserId, string PushToken, long Badge);

/// <summary>
/// Who gets a push for an outbox entry: the devices with a push token that are connected to no realtime node,
/// of the other members (a new message) or of the reader (a badge update), minus those already notified.
/// </summary>
public sealed class PushTargets(ChatDbContext db, PresenceReader presence)
{
    public async Task<List<PushTarget>> ForAsync(PushOutboxEntry entry, CancellationToken cancellationToken)
    {
        var users = entry.Kind == PushKind.Message
            ? await db.ConversationMembers.Where(m => m.ConversationId == entry.ConversationId && m.LeftSeq == null && m.UserId != entry.UserId)
                .Select(m => m.UserId).ToListAsync(cancellationToken)
            : [entry.UserId];

        var devices = await db.Devices.AsNoTracking()
            .Where(d => users.Contains(d.UserId) && d.RevokedAt == null && d.PushToken != null)
            .Where(d => !db.PushDeliveries.Any(p => p.OutboxId == entry.Id && p.DeviceId == d.Id))
            .Select(d => new { d.Id, d.UserId, d.PushToken })
            .ToListAsync(cancellationToken);
        if (devices.Count == 0)
        {
            return [];
        }

        var online = await presence.OnlineDevicesAsync(devices.Select(d => d.UserId).Distinct());
        var offline = devices.Where(d => !online.Contains(d.Id)).ToList();
        var badges = await UnreadCountsAsync(offline.Select(d => d.UserId).Distinct().ToArray(), cancellationToken);
        return offline.Select(d => new PushTarget(d.Id, d.UserId, d.PushToken!, badges.GetValueOrDefault(d.UserId))).ToList();
    }

    /// <summary>Unread text messages from others, over all the user's conversations: the app icon's badge.</summary>
    private async Task<Dictionary<Guid, long>> UnreadCountsAsync(Guid[] userIds, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<Guid, long>();
        if (userIds.Length == 0)
        {
            return counts;
        }

        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand("""
                SELECT me.user_id, COUNT(m.id)
                FROM conversation_members me
                JOIN messages m ON m.conversation_id = me.conversation_id AND m.seq > me.read_seq AND m.kind = 1
                     AND m.sender_id <> me.user_id AND (me.left_seq IS NULL OR m.seq <= me.left_seq)
                WHERE me.user_id = ANY(@users)
                GROUP BY me.user_id
                """, connection);
            command.Parameters.AddWithValue("users", userIds);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                counts[reader.GetGuid(0)] = reader.GetInt64(1);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        return counts;
    }
}
