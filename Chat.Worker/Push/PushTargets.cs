using Chat.Data;
using Chat.Data.Conversations;
using Chat.Data.Push;
using Chat.Messaging.Calls;
using Chat.Messaging.Conversations;
using Chat.Messaging.Presence;
using Chat.Messaging.Receipts;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Chat.Worker.Push;

/// <summary>One device to notify for an outbox entry, with the badge (unread count) of its user.</summary>
public sealed record PushTarget(PushOutboxEntry Entry, Guid DeviceId, Guid UserId, string PushToken, long Badge, CallView? Call = null);

/// <summary>
/// Who gets a push for a batch of outbox entries: the devices with a push token that are connected to no realtime
/// node, of the other members (a new message), of the reader (a badge update) or of the invitees of a call still
/// ringing, minus those already notified.
/// A batch costs the same few queries however many entries it has: every message to someone with a push token
/// writes an entry, so the worker must keep up with the message rate.
/// </summary>
public sealed class PushTargets(ChatDbContext db, PresenceReader presence, UnreadCounts unreadCounts, CallRegistry calls, TimeProvider time)
{
    /// <summary>
    /// A message notifies the other members, but not one who has muted the conversation or not yet accepted it as
    /// a message request; a badge update, the reader's own devices.
    /// </summary>
    private static readonly string DevicesSql = $"""
        SELECT o.id, d.id, d.user_id, d.push_token
        FROM unnest(@outbox_ids, @conversation_ids, @user_ids, @kinds) AS o(id, conversation_id, user_id, kind)
        JOIN conversation_members m ON m.conversation_id = o.conversation_id AND {Membership.CurrentSql("m")}
             AND CASE WHEN o.kind = {(int)PushKind.Message}
                      THEN m.user_id <> o.user_id AND m.request <> {(int)MessageRequest.Pending} AND (m.muted_until IS NULL OR m.muted_until <= now())
                      ELSE m.user_id = o.user_id END
        JOIN devices d ON d.user_id = m.user_id AND d.revoked_at IS NULL AND d.push_token IS NOT NULL
        WHERE NOT EXISTS (SELECT 1 FROM push_deliveries p WHERE p.outbox_id = o.id AND p.device_id = d.id)
        """;

    /// <summary>A call rings its invitees that are still members.</summary>
    private static readonly string CallDevicesSql = $"""
        SELECT o.id, d.id, d.user_id, d.push_token
        FROM push_outbox o
        JOIN conversation_members m ON m.conversation_id = o.conversation_id AND {Membership.CurrentSql("m")} AND m.user_id = ANY(o.recipients)
        JOIN devices d ON d.user_id = m.user_id AND d.revoked_at IS NULL AND d.push_token IS NOT NULL
        WHERE o.id = ANY(@outbox_ids)
          AND NOT EXISTS (SELECT 1 FROM push_deliveries p WHERE p.outbox_id = o.id AND p.device_id = d.id)
        """;

    public async Task<List<PushTarget>> ForAsync(IReadOnlyList<PushOutboxEntry> entries, CancellationToken cancellationToken)
    {
        var byId = entries.ToDictionary(e => e.Id);
        var devices = new List<(PushOutboxEntry Entry, Guid DeviceId, Guid UserId, string Token)>();
        var ringing = await RingingCallsAsync(entries.Where(e => e.Kind == PushKind.Call));
        var others = entries.Where(e => e.Kind != PushKind.Call).ToList();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            if (others.Count > 0)
            {
                await using var command = new NpgsqlCommand(DevicesSql, connection);
                command.Parameters.AddWithValue("outbox_ids", others.Select(e => e.Id).ToArray());
                command.Parameters.AddWithValue("conversation_ids", others.Select(e => e.ConversationId).ToArray());
                command.Parameters.AddWithValue("user_ids", others.Select(e => e.UserId).ToArray());
                command.Parameters.AddWithValue("kinds", others.Select(e => (int)e.Kind).ToArray());
                await ReadDevicesAsync(command, byId, devices, cancellationToken);
            }

            if (ringing.Count > 0)
            {
                await using var command = new NpgsqlCommand(CallDevicesSql, connection);
                command.Parameters.AddWithValue("outbox_ids", ringing.Keys.ToArray());
                await ReadDevicesAsync(command, byId, devices, cancellationToken);
            }

            if (devices.Count == 0)
            {
                return [];
            }

            var online = await presence.OnlineDevicesAsync(devices.Select(d => d.UserId).Distinct());
            var offline = devices.Where(d => !online.Contains(d.DeviceId)).ToList();
            var badges = await unreadCounts.ByUserAsync(offline.Select(d => d.UserId).Distinct().ToArray(), cancellationToken);
            return offline.Select(d => new PushTarget(d.Entry, d.DeviceId, d.UserId, d.Token, badges.GetValueOrDefault(d.UserId),
                ringing.GetValueOrDefault(d.Entry.Id))).ToList();
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task ReadDevicesAsync(NpgsqlCommand command, Dictionary<long, PushOutboxEntry> byId,
        List<(PushOutboxEntry Entry, Guid DeviceId, Guid UserId, string Token)> devices, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            devices.Add((byId[reader.GetInt64(0)], reader.GetGuid(1), reader.GetGuid(2), reader.GetString(3)));
        }
    }

    /// <summary>The calls of these entries that still ring, by entry: one answered, ended or past its ring time wakes nobody.</summary>
    private async Task<Dictionary<long, CallView>> RingingCallsAsync(IEnumerable<PushOutboxEntry> callEntries)
    {
        var ringing = new Dictionary<long, CallView>();
        foreach (var entry in callEntries)
        {
            if (entry.CallId is { } callId && await calls.ReadAsync(callId) is { State: CallStates.Ringing } call && call.RingUntil > time.GetUtcNow())
            {
                ringing[entry.Id] = call;
            }
        }

        return ringing;
    }
}
