using Chat.Messaging.Errors;
using Npgsql;
using NpgsqlTypes;

namespace Chat.Messaging.DeviceMessages;

/// <summary>
/// Stores envelopes addressed to single devices. Each recipient device's row is locked (in id order, so concurrent
/// sends cannot deadlock) and its <c>last_message_seq</c> incremented in the transaction that inserts the envelope:
/// a device's envelopes are numbered 1, 2, 3... with no gap, whoever sends them. A send is checked against the
/// recipients' current devices under those locks, so a device signed out meanwhile is not written to.
/// </summary>
public sealed class DeviceMessageStore(NpgsqlDataSource dataSource, TimeProvider time)
{
    /// <summary>A device that may receive envelopes: signed in, with keys published (docs/e2ee.md).</summary>
    private const string ActiveDevicesSql = """
        SELECT d.id, d.user_id FROM devices d
        WHERE d.user_id = ANY(@users) AND d.revoked_at IS NULL AND d.id <> @sender_device_id
          AND EXISTS (SELECT 1 FROM device_keys k WHERE k.device_id = d.id)
        ORDER BY d.id
        FOR UPDATE OF d
        """;

    /// <summary>The recipients the sender may not reach: those who share no conversation with them, and those who blocked them (true).</summary>
    private const string UnreachableSql = """
        SELECT u, EXISTS (SELECT 1 FROM user_blocks b WHERE b.blocker_id = u AND b.blocked_id = @sender_id)
        FROM unnest(@users) u
        WHERE u <> @sender_id AND (
            NOT EXISTS (
                SELECT 1 FROM conversation_members mine JOIN conversation_members theirs ON theirs.conversation_id = mine.conversation_id
                WHERE mine.user_id = @sender_id AND theirs.user_id = u AND mine.left_seq IS NULL AND theirs.left_seq IS NULL)
            OR EXISTS (SELECT 1 FROM user_blocks b WHERE b.blocker_id = u AND b.blocked_id = @sender_id))
        """;

    private const string PreviousSendSql =
        "SELECT sent_at FROM device_message_sends WHERE sender_device_id = @sender_device_id AND client_message_id = @client_message_id";

    private const string InsertSql = """
        WITH send AS (
            INSERT INTO device_message_sends (sender_device_id, client_message_id, sent_at)
            VALUES (@sender_device_id, @client_message_id, @sent_at)
            ON CONFLICT DO NOTHING RETURNING 1),
        numbered AS (
            UPDATE devices d SET last_message_seq = d.last_message_seq + 1
            WHERE d.id = ANY(@devices) AND EXISTS (SELECT 1 FROM send)
            RETURNING d.id, d.user_id, d.last_message_seq)
        INSERT INTO device_messages (recipient_device_id, seq, recipient_user_id, sender_id, sender_device_id, client_message_id, ciphertext, sent_at)
        SELECT n.id, n.last_message_seq, n.user_id, @sender_id, @sender_device_id, @client_message_id, e.ciphertext, @sent_at
        FROM numbered n JOIN unnest(@devices, @ciphertexts) AS e(device_id, ciphertext) ON e.device_id = n.id
        RETURNING recipient_device_id, recipient_user_id, seq
        """;

    /// <returns>The stored envelopes, or none when this is a resend of a stored send; or the refusal.</returns>
    public async Task<Outcome<DeviceSendResult>> SendAsync(Guid senderId, Guid senderDeviceId, SendToDevicesRequest request, CancellationToken cancellationToken)
    {
        var envelopes = request.Envelopes!;
        var users = envelopes.Select(e => e.UserId).Distinct().ToArray();
        var now = time.GetUtcNow();
        var sentAt = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        if (await PreviousSendAsync(connection, transaction, senderDeviceId, request.ClientMessageId!, cancellationToken) is { } previous)
        {
            return new DeviceSendResult(new DeviceSendAck(request.ClientMessageId!, previous), []);
        }

        var active = new List<(Guid DeviceId, Guid UserId)>();
        var strangers = new List<Guid>();
        var blockers = new List<Guid>();
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            batch.BatchCommands.Add(Command(UnreachableSql, ("users", users), ("sender_id", senderId)));
            batch.BatchCommands.Add(Command(ActiveDevicesSql, ("users", users), ("sender_device_id", senderDeviceId)));
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                (reader.GetBoolean(1) ? blockers : strangers).Add(reader.GetGuid(0));
            }

            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                active.Add((reader.GetGuid(0), reader.GetGuid(1)));
            }
        }

        if (blockers.Count > 0)
        {
            return ChatErrors.Blocked;
        }

        if (strangers.Count > 0)
        {
            return ChatErrors.NoSharedConversation(strangers[0]);
        }

        if (StaleLists(envelopes, active) is { Count: > 0 } stale)
        {
            return ChatErrors.StaleDevices(stale);
        }

        var stored = new List<(Guid DeviceId, Guid UserId, long Seq)>(envelopes.Count);
        await using (var insert = new NpgsqlCommand(InsertSql, connection, transaction))
        {
            insert.Parameters.AddWithValue("sender_id", senderId);
            insert.Parameters.AddWithValue("sender_device_id", senderDeviceId);
            insert.Parameters.AddWithValue("client_message_id", request.ClientMessageId!);
            insert.Parameters.AddWithValue("sent_at", sentAt);
            insert.Parameters.AddWithValue("devices", envelopes.Select(e => e.DeviceId).ToArray());
            insert.Parameters.Add(new NpgsqlParameter("ciphertexts", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = envelopes.Select(e => e.Ciphertext!).ToArray() });
            await using var reader = await insert.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                stored.Add((reader.GetGuid(0), reader.GetGuid(1), reader.GetInt64(2)));
            }
        }

        if (stored.Count == 0)
        {
            // The same send, committed by a concurrent call between the check above and the insert.
            await transaction.RollbackAsync(cancellationToken);
            var first = await PreviousSendAsync(connection, null, senderDeviceId, request.ClientMessageId!, cancellationToken);
            return new DeviceSendResult(new DeviceSendAck(request.ClientMessageId!, first!.Value), []);
        }

        await transaction.CommitAsync(cancellationToken);
        var ciphertexts = envelopes.ToDictionary(e => e.DeviceId, e => e.Ciphertext!);
        return new DeviceSendResult(new DeviceSendAck(request.ClientMessageId!, sentAt),
            stored.Select(s => new AddressedDeviceMessage(s.UserId, s.DeviceId,
                new DeviceMessageEvent(s.Seq, senderId, senderDeviceId, request.ClientMessageId!, ciphertexts[s.DeviceId], sentAt))).ToList());
    }

    public async Task<DeviceMessagePage> PageAsync(Guid deviceId, long after, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT seq, sender_id, sender_device_id, client_message_id, ciphertext, sent_at FROM device_messages
            WHERE recipient_device_id = @device_id AND seq > @after ORDER BY seq LIMIT @limit
            """);
        command.Parameters.AddWithValue("device_id", deviceId);
        command.Parameters.AddWithValue("after", after);
        command.Parameters.AddWithValue("limit", limit + 1);
        var messages = new List<DeviceMessageEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            messages.Add(new DeviceMessageEvent(reader.GetInt64(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetString(3), reader.GetString(4),
                reader.GetFieldValue<DateTimeOffset>(5)));
        }

        var hasMore = messages.Count > limit;
        return new DeviceMessagePage(hasMore ? messages[..limit] : messages, hasMore);
    }

    /// <returns>How many envelopes were deleted.</returns>
    public async Task<int> AcknowledgeAsync(Guid deviceId, long upTo, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM device_messages WHERE recipient_device_id = @device_id AND seq <= @up_to");
        command.Parameters.AddWithValue("device_id", deviceId);
        command.Parameters.AddWithValue("up_to", upTo);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Per user named, the active devices without an envelope and the envelopes for no active device of theirs.</summary>
    private static List<StaleDeviceList> StaleLists(IReadOnlyList<DeviceEnvelope> envelopes, List<(Guid DeviceId, Guid UserId)> active)
    {
        var stale = new List<StaleDeviceList>();
        foreach (var user in envelopes.GroupBy(e => e.UserId))
        {
            var named = user.Select(e => e.DeviceId).ToHashSet();
            var current = active.Where(a => a.UserId == user.Key).Select(a => a.DeviceId).ToHashSet();
            var missing = current.Except(named).Order().ToList();
            var gone = named.Except(current).Order().ToList();
            if (missing.Count > 0 || gone.Count > 0)
            {
                stale.Add(new StaleDeviceList(user.Key, missing, gone));
            }
        }

        return stale;
    }

    private static async Task<DateTimeOffset?> PreviousSendAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid senderDeviceId,
        string clientMessageId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(PreviousSendSql, connection, transaction);
        command.Parameters.AddWithValue("sender_device_id", senderDeviceId);
        command.Parameters.AddWithValue("client_message_id", clientMessageId);
        return await command.ExecuteScalarAsync(cancellationToken) is DateTime at ? new DateTimeOffset(at, TimeSpan.Zero)
            : (DateTimeOffset?)null;
    }

    private static NpgsqlBatchCommand Command(string sql, params (string Name, object Value)[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }
}

/// <param name="Stored">The event for each stored envelope's device; empty for a resend.</param>
public sealed record DeviceSendResult(DeviceSendAck Ack, IReadOnlyList<AddressedDeviceMessage> Stored);

public sealed record AddressedDeviceMessage(Guid UserId, Guid DeviceId, DeviceMessageEvent Event);
