using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Chat.Client.Api;
using Chat.Client.Crypto;
using Chat.Client.Realtime;
using Chat.Client.Storage;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Client.E2ee;

/// <summary>
/// End-to-end encrypted conversations for one signed-in device (docs/e2ee.md). Each conversation message is
/// encrypted once with the sending device's sender key; that key goes to every member device over pairwise Double
/// Ratchet sessions, as device messages whose device lists the server checks (<c>stale_devices</c>). A sender key
/// is replaced after any membership change, any change of a member's devices, any reconnect (events in between
/// may be lost) and every <see cref="SecureMessengerOptions.RotateAfterMessages"/> messages: a removed member or
/// device gets no later key, and a new device no earlier one. All state changes run on the connection's apply queue.
/// </summary>
public sealed class SecureMessenger : IEventSink, IAsyncDisposable
{
    /// <summary>A device message send holds at most this many envelopes (about 600 bytes each; a hub frame holds 96 KiB).</summary>
    private const int MaxEnvelopesPerSend = 100;

    /// <summary>Ephemeral keys of openings remembered per device, so that one replayed cannot open a session again.</summary>
    private const int MaxRememberedOpenings = 200;

    private readonly ChatApi _api;
    private readonly IKeyStore _store;
    private readonly DeviceKeyring _keyring;
    private readonly SecureMessengerOptions _options;
    private readonly Dictionary<Guid, List<Guid>> _members = [];
    private readonly Dictionary<Guid, List<Guid>> _devices = [];
    private readonly HashSet<Guid> _distributed = [];
    private DeviceIdentity _identity = null!;

    private SecureMessenger(ChatApi api, IKeyStore store, SecureMessengerOptions options, Uri hubUrl)
    {
        _api = api;
        _store = store;
        _options = options;
        _keyring = new DeviceKeyring(store);
        Connection = new ChatConnection(hubUrl, api.DeviceId, async () => await api.AccessTokenAsync(), store, this);
        Connection.Connection.On<JsonElement>("prekeysLow", low => low.GetProperty("deviceId").GetGuid() == api.DeviceId
            ? Connection.RunAsync(PublishPrekeysAsync)
            : Task.CompletedTask);
    }

    public ChatConnection Connection { get; }

    public Guid UserId => _api.UserId;
    public Guid DeviceId => _api.DeviceId;

    public event Action<DecryptedMessage>? Received;
    public event Action<RefusedMessage>? Refused;

    /// <summary>The server refused a sender key's distribution as <c>stale_devices</c>; the lists named were fetched again.</summary>
    public event Action<IReadOnlyList<StaleDevicesJson>>? DeviceListsRefreshed;

    /// <summary>A device of a user (user, device) now has other identity keys than its sessions were opened with.</summary>
    public event Action<Guid, Guid>? IdentityKeyChanged;

    /// <summary>Membership events (memberAdded, memberRemoved, memberLeft) as they are applied.</summary>
    public event Action<MessageEvent>? MembershipChanged;

    /// <summary>Loads or creates the device's keys, publishing them the first time. Subscribe to the events, then <see cref="ConnectAsync"/>.</summary>
    public static async Task<SecureMessenger> CreateAsync(ChatApi api, Uri hubUrl, IKeyStore store, SecureMessengerOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var messenger = new SecureMessenger(api, store, options ?? new SecureMessengerOptions(), hubUrl);
        messenger._identity = (await messenger._keyring.LoadOrCreateAsync(cancellationToken)).Identity;

        // Until a publication succeeds (at first start, or a later start after one failed), nobody can open a session with this device.
        if (await store.ReadAsync(PublishedName, cancellationToken) is null)
        {
            await api.PublishKeysAsync(DeviceKeyring.PublishRequest(messenger._identity, await messenger._keyring.NewPrekeysAsync(messenger._options.PrekeyBatch, cancellationToken)),
                cancellationToken);
            await store.WriteAsync(PublishedName, "1", cancellationToken);
            messenger._identity = (await messenger._keyring.LoadOrCreateAsync(cancellationToken)).Identity;
        }

        return messenger;
    }

    /// <summary>Connects, and catches up with everything sent since this device's cursors (envelopes first).</summary>
    public Task ConnectAsync(CancellationToken cancellationToken = default) => Connection.StartAsync(cancellationToken);

    /// <summary>
    /// Encrypts and sends a text message, or with <paramref name="attachmentId"/> an attachment message whose text
    /// describes the file (its key among it, docs/e2ee.md); the acknowledgement means it is stored. Retry with the
    /// same client id.
    /// </summary>
    public Task<MessageAck> SendAsync(Guid conversationId, string text, string? clientMessageId = null, CancellationToken cancellationToken = default,
        Guid? attachmentId = null)
    {
        clientMessageId ??= Guid.NewGuid().ToString();
        var result = new TaskCompletionSource<MessageAck>(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = Connection.RunAsync(async () =>
        {
            try
            {
                var key = await CurrentSenderKeyAsync(conversationId, cancellationToken);
                var content = Base64Url.EncodeToString(key.Encrypt(Encoding.UTF8.GetBytes(text), clientMessageId));

                // Stored before it is sent: a message key is never used twice, even across a crash.
                await _store.PutAsync(OwnKeyName(conversationId), key, cancellationToken);
                result.SetResult(await Connection.SendMessageOnQueueAsync(conversationId, clientMessageId, content, cancellationToken, attachmentId));
            }
            catch (Exception e)
            {
                result.SetException(e);
            }
        });
        return result.Task;
    }

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();

    async Task IEventSink.OnConnectedAsync()
    {
        // Live events (devices, membership applied elsewhere) may have been missed: every key is replaced before its next use.
        _distributed.Clear();
        _devices.Clear();
        _members.Clear();
        await Task.CompletedTask;
    }

    Task IEventSink.OnDevicesChangedAsync(Guid userId)
    {
        _devices.Remove(userId);
        foreach (var (conversationId, members) in _members)
        {
            if (members.Contains(userId))
            {
                _distributed.Remove(conversationId);
            }
        }

        if (!_members.Values.Any(m => m.Contains(userId)))
        {
            _distributed.Clear();
        }

        return Task.CompletedTask;
    }

    async Task IEventSink.OnMessageAsync(MessageEvent message)
    {
        if (message.MemberId is not null)
        {
            _distributed.Remove(message.ConversationId);
            _members.Remove(message.ConversationId);
            MembershipChanged?.Invoke(message);
            return;
        }

        if (message.Kind is not ("text" or "attachment") || message.Content is null)
        {
            return;
        }

        GroupMessage parsed;
        try
        {
            parsed = GroupMessage.Parse(Base64Url.DecodeFromChars(message.Content));
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            Refuse(message, DecryptionFailure.Malformed, e.Message);
            return;
        }

        var key = await PeerKeyAsync(message.ConversationId, message.SenderDeviceId, parsed.DistributionId);
        if (key is null)
        {
            // The key may be among envelopes not yet applied (they travel apart from the conversation's events).
            await Connection.SyncDeviceMessagesOnQueueAsync();
            key = await PeerKeyAsync(message.ConversationId, message.SenderDeviceId, parsed.DistributionId);
        }

        if (key is null)
        {
            Refuse(message, DecryptionFailure.NoKey, "No sender key for this message reached this device.");
            return;
        }

        try
        {
            var plaintext = key.Decrypt(parsed, message.ClientMessageId);
            await _store.PutAsync(PeerKeyName(key.ConversationId, key.SenderDeviceId, key.DistributionId), key);
            Received?.Invoke(new DecryptedMessage(message.ConversationId, message.Seq, message.SenderId, message.SenderDeviceId,
                message.ClientMessageId, Encoding.UTF8.GetString(plaintext), message.SentAt, message.AttachmentId));
        }
        catch (DecryptionException e)
        {
            Refuse(message, e.Failure, e.Message);
        }
    }

    async Task IEventSink.OnDeviceMessageAsync(DeviceMessageEvent message)
    {
        try
        {
            var payload = await OpenEnvelopeAsync(message);
            var distribution = SenderKeyDistribution.Parse(payload);
            var name = PeerKeyName(distribution.ConversationId, message.SenderDeviceId, distribution.DistributionId);
            if (await _store.ReadAsync(name) is null)
            {
                await _store.PutAsync(name, SenderKey.Received(distribution, message.SenderDeviceId));
            }
        }
        catch (DecryptionException e)
        {
            Refused?.Invoke(new RefusedMessage(null, message.Seq, message.SenderDeviceId, e.Failure, e.Message));
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            Refused?.Invoke(new RefusedMessage(null, message.Seq, message.SenderDeviceId, DecryptionFailure.Malformed, e.Message));
        }
    }

    private void Refuse(MessageEvent message, DecryptionFailure failure, string detail) =>
        Refused?.Invoke(new RefusedMessage(message.ConversationId, message.Seq, message.SenderDeviceId, failure, detail));

    /// <summary>The conversation's sender key of this device, replaced and sent to every member device when it must be.</summary>
    private async Task<SenderKey> CurrentSenderKeyAsync(Guid conversationId, CancellationToken cancellationToken)
    {
        var key = await _store.GetAsync<SenderKey>(OwnKeyName(conversationId), cancellationToken);
        if (key is not null && _distributed.Contains(conversationId) && key.Iteration < _options.RotateAfterMessages)
        {
            return key;
        }

        key = SenderKey.Create(conversationId, DeviceId);
        await DistributeAsync(key, cancellationToken);
        _distributed.Add(conversationId);
        return key;
    }

    /// <summary>
    /// Sends the key to every device of every member (this user's other devices too): one device message send, or
    /// for a key that goes to many devices one per group of users (a hub frame holds 96 KiB). When the server says a
    /// send's device lists are stale, the lists of those users are fetched again and that send retried with its
    /// client id.
    /// </summary>
    private async Task DistributeAsync(SenderKey key, CancellationToken cancellationToken)
    {
        var users = (await MembersAsync(key.ConversationId, cancellationToken)).Append(UserId).Distinct().Order().ToList();
        var chunks = new List<List<Guid>> { new() };
        var inChunk = 0;
        foreach (var userId in users)
        {
            var devices = (await DevicesAsync(userId, cancellationToken)).Count;
            if (inChunk > 0 && inChunk + devices > MaxEnvelopesPerSend)
            {
                chunks.Add([]);
                inChunk = 0;
            }

            chunks[^1].Add(userId);
            inChunk += devices;
        }

        key.Address([.. await RecipientsAsync(users, cancellationToken)]);
        for (var k = 0; k < chunks.Count; k++)
        {
            var clientMessageId = chunks.Count == 1 ? $"sk-{key.DistributionId:N}" : $"sk-{key.DistributionId:N}-{k}";
            for (var attempt = 0; ; attempt++)
            {
                if (chunks.Count == 1 && attempt > 0)
                {
                    // Nothing of this key went out yet: address it to the devices as they are now.
                    key.Address([.. await RecipientsAsync(users, cancellationToken)]);
                }

                var envelopes = new List<EnvelopeJson>();
                foreach (var userId in chunks[k])
                {
                    foreach (var deviceId in (await DevicesAsync(userId, cancellationToken)).Where(d => d != DeviceId))
                    {
                        var sessions = await SessionsAsync(deviceId);
                        var ciphertext = sessions[0].Encrypt(key.Distribution(deviceId).Encode(), MessageBinding.Device(DeviceId, deviceId, clientMessageId));
                        await _store.PutAsync(SessionsName(deviceId), sessions, cancellationToken);
                        envelopes.Add(new EnvelopeJson(userId, deviceId, Base64Url.EncodeToString(ciphertext)));
                    }
                }

                if (envelopes.Count == 0)
                {
                    break;
                }

                try
                {
                    await Connection.SendToDevicesAsync(clientMessageId, envelopes, cancellationToken);
                    break;
                }
                catch (HubException e) when (e.Message.StartsWith("stale_devices:", StringComparison.Ordinal) && attempt < 3)
                {
                    var stale = JsonSerializer.Deserialize<List<StaleDevicesJson>>(e.Message[e.Message.IndexOf('[')..], JsonSerializerOptions.Web)!;
                    DeviceListsRefreshed?.Invoke(stale);
                    foreach (var user in stale)
                    {
                        _devices.Remove(user.UserId);
                        foreach (var gone in user.Gone)
                        {
                            await _store.DeleteAsync(SessionsName(gone), cancellationToken);
                        }
                    }
                }
            }
        }
    }

    private async Task<List<Guid>> RecipientsAsync(IEnumerable<Guid> users, CancellationToken cancellationToken)
    {
        var devices = new List<Guid>();
        foreach (var userId in users)
        {
            devices.AddRange((await DevicesAsync(userId, cancellationToken)).Where(d => d != DeviceId));
        }

        return devices;
    }

    private async Task<List<Guid>> MembersAsync(Guid conversationId, CancellationToken cancellationToken)
    {
        if (!_members.TryGetValue(conversationId, out var members))
        {
            members = [.. (await _api.ConversationAsync(conversationId, cancellationToken)).Members.Select(m => m.UserId)];
            _members[conversationId] = members;
        }

        return members;
    }

    /// <summary>
    /// The user's devices that may receive, each with a session. The list is read without taking one-time prekeys;
    /// they are taken (a second fetch) only when a device needs a new session.
    /// </summary>
    private async Task<List<Guid>> DevicesAsync(Guid userId, CancellationToken cancellationToken)
    {
        if (_devices.TryGetValue(userId, out var known))
        {
            return known;
        }

        var listed = (await _api.FetchKeysAsync(userId, oneTimePrekeys: false, cancellationToken)).Devices.Where(b => b.DeviceId != DeviceId).ToList();
        var needSession = new List<Guid>();
        foreach (var bundle in listed)
        {
            var sessions = await _store.GetAsync<List<PairwiseSession>>(SessionsName(bundle.DeviceId), cancellationToken) ?? [];
            if (sessions.Count == 0)
            {
                needSession.Add(bundle.DeviceId);
            }
            else if (!sessions[0].RemoteIdentityKey.AsSpan().SequenceEqual(Base64Url.DecodeFromChars(bundle.IdentityKey)))
            {
                // A device that published new identity keys: a new session, and the application is told (as
                // Signal's "safety number changed"), since only a comparison out of band tells a re-install from a
                // server that swapped the keys.
                IdentityKeyChanged?.Invoke(userId, bundle.DeviceId);
                needSession.Add(bundle.DeviceId);
            }
        }

        if (needSession.Count > 0)
        {
            foreach (var bundle in (await _api.FetchKeysAsync(userId, oneTimePrekeys: true, cancellationToken)).Devices.Where(b => needSession.Contains(b.DeviceId)))
            {
                await _store.PutAsync(SessionsName(bundle.DeviceId),
                    new List<PairwiseSession> { PairwiseSession.Initiate(_identity.IdentityKey, AgreementKeyPair.Generate(), bundle.ToPrekeyBundle()) }, cancellationToken);
            }
        }

        var devices = listed.Select(b => b.DeviceId).ToList();
        _devices[userId] = devices;
        return devices;
    }

    private async Task<List<PairwiseSession>> SessionsAsync(Guid deviceId) =>
        await _store.GetAsync<List<PairwiseSession>>(SessionsName(deviceId)) ?? throw new InvalidOperationException($"No session with device {deviceId}.");

    /// <summary>
    /// Decrypts an envelope with the session it belongs to: an opening message's by its ephemeral key (or a new
    /// one from this device's prekeys), any other by trying the device's sessions, newest first.
    /// </summary>
    private async Task<byte[]> OpenEnvelopeAsync(DeviceMessageEvent message)
    {
        var parsed = SessionMessage.Parse(Base64Url.DecodeFromChars(message.Ciphertext));
        var binding = MessageBinding.Device(message.SenderDeviceId, DeviceId, message.ClientMessageId);
        var sessions = await _store.GetAsync<List<PairwiseSession>>(SessionsName(message.SenderDeviceId)) ?? [];
        if (parsed.Opening is { } opening && !sessions.Exists(s => s.OpeningEphemeralKey?.AsSpan().SequenceEqual(opening.EphemeralKey) == true))
        {
            if (opening.SignedPrekeyId != _identity.SignedPrekeyId)
            {
                throw new DecryptionException(DecryptionFailure.NoKey, "The opening names a signed prekey this device does not hold.");
            }

            var openings = await _store.GetAsync<List<string>>(OpeningsName(message.SenderDeviceId)) ?? [];
            var ephemeral = Convert.ToHexString(opening.EphemeralKey);
            if (openings.Contains(ephemeral))
            {
                throw new DecryptionException(DecryptionFailure.Replayed, "A session was opened with this ephemeral key already.");
            }

            await CheckIdentityAsync(message, opening.IdentityKey, sessions);

            var oneTime = opening.OneTimePrekeyId is { } id
                ? await _keyring.PrekeyAsync(id) ?? throw new DecryptionException(DecryptionFailure.Replayed, "The one-time prekey it names was used already.")
                : null;
            var session = PairwiseSession.Respond(_identity.IdentityKey, _identity.SignedPrekey, oneTime, opening);
            var plaintext = session.Decrypt(parsed, binding);
            sessions.Insert(0, session);
            await SaveSessionsAsync(message.SenderDeviceId, sessions);
            await _store.PutAsync(OpeningsName(message.SenderDeviceId), openings.Append(ephemeral).TakeLast(MaxRememberedOpenings).ToList());
            if (opening.OneTimePrekeyId is { } used)
            {
                await _keyring.DeletePrekeyAsync(used);
            }

            return plaintext;
        }

        DecryptionException? first = null;
        foreach (var session in sessions.Where(s => parsed.Opening is null || s.OpeningEphemeralKey?.AsSpan().SequenceEqual(parsed.Opening.EphemeralKey) == true))
        {
            try
            {
                var plaintext = session.Decrypt(parsed, binding);
                sessions.Remove(session);
                sessions.Insert(0, session);
                await SaveSessionsAsync(message.SenderDeviceId, sessions);
                return plaintext;
            }
            catch (DecryptionException e)
            {
                first ??= e;
            }
            catch (Exception e) when (e is CryptographicException or ArgumentException)
            {
                first ??= new DecryptionException(DecryptionFailure.Malformed, e.Message);
            }
        }

        throw first ?? new DecryptionException(DecryptionFailure.NoKey, "No session with the sending device.");
    }

    /// <summary>
    /// An opening must carry the identity key the sending device published (and this device pinned, if it had a
    /// session): otherwise the server could open sessions in any device's name.
    /// </summary>
    private async Task CheckIdentityAsync(DeviceMessageEvent message, byte[] identityKey, List<PairwiseSession> sessions)
    {
        if (sessions.Count > 0 && sessions[0].RemoteIdentityKey.AsSpan().SequenceEqual(identityKey))
        {
            return;
        }

        var published = (await _api.FetchKeysAsync(message.SenderId, oneTimePrekeys: false)).Devices.FirstOrDefault(d => d.DeviceId == message.SenderDeviceId);
        if (published is null || !Base64Url.DecodeFromChars(published.IdentityKey).AsSpan().SequenceEqual(identityKey))
        {
            throw new DecryptionException(DecryptionFailure.Tampered, "The opening's identity key is not the one its sending device published.");
        }

        if (sessions.Count > 0)
        {
            IdentityKeyChanged?.Invoke(message.SenderId, message.SenderDeviceId);
        }
    }

    private Task SaveSessionsAsync(Guid deviceId, List<PairwiseSession> sessions) =>
        _store.PutAsync(SessionsName(deviceId), sessions.Take(5).ToList());

    private Task<SenderKey?> PeerKeyAsync(Guid conversationId, Guid senderDeviceId, Guid distributionId) =>
        _store.GetAsync<SenderKey>(PeerKeyName(conversationId, senderDeviceId, distributionId));

    private async Task PublishPrekeysAsync() => await _api.AddPrekeysAsync(await _keyring.NewPrekeysAsync(_options.PrekeyBatch));

    private static string OwnKeyName(Guid conversationId) => $"senderkey-{conversationId:N}";

    private static string PeerKeyName(Guid conversationId, Guid senderDeviceId, Guid distributionId) =>
        $"peerkey-{conversationId:N}-{senderDeviceId:N}-{distributionId:N}";

    private static string SessionsName(Guid deviceId) => $"sessions-{deviceId:N}";

    private static string OpeningsName(Guid deviceId) => $"openings-{deviceId:N}";

    private const string PublishedName = "keys-published";
}
