using Chat.Data;
using Chat.Data.Keys;
using Chat.Messaging.Devices;
using Chat.Messaging.Fanout;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Chat.Api.Keys;

/// <summary>
/// The devices' published keys. A fetch hands each active device's bundle with one of its one-time prekeys, taken
/// in the same statement that deletes it, so no prekey goes to two fetchers however many ask at once.
/// </summary>
public sealed class KeyDirectory(ChatDbContext db, NpgsqlDataSource dataSource, UserEventFanout userEvents, DeviceListNotifier deviceList)
{
    public const int MaxOneTimePrekeys = 100;

    /// <summary>Below this many one-time prekeys the owner's devices are told (<see cref="ChatEvents.PrekeysLow"/>).</summary>
    public const int LowPrekeys = 10;

    private const string TakePrekeySql = """
        DELETE FROM one_time_prekeys
        WHERE (device_id, key_id) = (
            SELECT device_id, key_id FROM one_time_prekeys WHERE device_id = @device_id ORDER BY key_id LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING key_id, public_key, (SELECT count(*) - 1 FROM one_time_prekeys WHERE device_id = @device_id)
        """;

    /// <summary>Publishes or replaces a device's identity keys and signed prekey; the user's contacts are told.</summary>
    public async Task PublishAsync(DeviceKeys keys, CancellationToken cancellationToken)
    {
        var existing = await db.DeviceKeys.SingleOrDefaultAsync(k => k.DeviceId == keys.DeviceId, cancellationToken);
        if (existing is null)
        {
            db.DeviceKeys.Add(keys);
        }
        else
        {
            existing.IdentityKey = keys.IdentityKey;
            existing.SigningKey = keys.SigningKey;
            existing.SignedPrekeyId = keys.SignedPrekeyId;
            existing.SignedPrekey = keys.SignedPrekey;
            existing.SignedPrekeySignature = keys.SignedPrekeySignature;
            existing.UpdatedAt = keys.UpdatedAt;
        }

        await db.SaveChangesAsync(cancellationToken);
        await deviceList.ChangedAsync(keys.UserId, cancellationToken);
    }

    /// <summary>Adds (or replaces, by key id) one-time prekeys; false when the device would hold more than the limit.</summary>
    public async Task<bool> AddPrekeysAsync(Guid deviceId, IReadOnlyList<OneTimePrekey> prekeys, CancellationToken cancellationToken)
    {
        if (prekeys.Count == 0)
        {
            return true;
        }

        var ids = prekeys.Select(p => p.KeyId).ToList();
        var kept = await db.OneTimePrekeys.CountAsync(p => p.DeviceId == deviceId && !ids.Contains(p.KeyId), cancellationToken);
        if (kept + prekeys.Count > MaxOneTimePrekeys)
        {
            return false;
        }

        await db.OneTimePrekeys.Where(p => p.DeviceId == deviceId && ids.Contains(p.KeyId)).ExecuteDeleteAsync(cancellationToken);
        db.OneTimePrekeys.AddRange(prekeys);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    public Task<int> CountPrekeysAsync(Guid deviceId, CancellationToken cancellationToken) =>
        db.OneTimePrekeys.CountAsync(p => p.DeviceId == deviceId, cancellationToken);

    /// <summary>A bundle per active device of the user that published keys, each with a one-time prekey while any is left.</summary>
    /// <param name="takePrekeys">False for the devices and their long-term keys only (a sender checking a device list), leaving the one-time prekeys for openings.</param>
    public async Task<List<KeyBundle>> FetchAsync(Guid userId, bool takePrekeys, CancellationToken cancellationToken)
    {
        var devices = await db.DeviceKeys.AsNoTracking()
            .Where(k => k.UserId == userId)
            .Join(db.Devices.Where(d => d.RevokedAt == null), k => k.DeviceId, d => d.Id, (k, _) => k)
            .OrderBy(k => k.DeviceId)
            .ToListAsync(cancellationToken);
        var bundles = new List<KeyBundle>();
        var running = new List<(Guid DeviceId, int Remaining)>();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        foreach (var keys in devices)
        {
            PrekeyDto? prekey = null;
            if (takePrekeys)
            {
                await using (var take = new NpgsqlCommand(TakePrekeySql, connection))
                {
                    take.Parameters.AddWithValue("device_id", keys.DeviceId);
                    await using var reader = await take.ExecuteReaderAsync(cancellationToken);
                    if (await reader.ReadAsync(cancellationToken))
                    {
                        prekey = new PrekeyDto(reader.GetInt32(0), PublicKeyFormat.Encode(reader.GetFieldValue<byte[]>(1)));
                        running.Add((keys.DeviceId, (int)reader.GetInt64(2)));
                    }
                    else
                    {
                        running.Add((keys.DeviceId, 0));
                    }
                }
            }

            bundles.Add(new KeyBundle(keys.DeviceId, PublicKeyFormat.Encode(keys.IdentityKey), PublicKeyFormat.Encode(keys.SigningKey),
                new SignedPrekeyDto(keys.SignedPrekeyId, PublicKeyFormat.Encode(keys.SignedPrekey), PublicKeyFormat.Encode(keys.SignedPrekeySignature)),
                prekey));
        }

        foreach (var (deviceId, remaining) in running.Where(r => r.Remaining < LowPrekeys))
        {
            await userEvents.PublishAsync(ChatEvents.PrekeysLow, new PrekeysLow(deviceId, remaining), [userId]);
        }

        return bundles;
    }
}
