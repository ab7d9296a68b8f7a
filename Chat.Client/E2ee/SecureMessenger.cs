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

    /// <summary>Membership events (memberAdded, memberRemoved, memberLeft) as they are applied.</summary>
    public event Action<MessageEvent>? MembershipChanged;

    /// <summary>Loads or creates the device's keys, publishing them the first time. Subscribe to the events, then <see cref="ConnectAsync"/>.</summary>
    public static async Task<SecureMessenger> CreateAsync(ChatApi api, Uri hubUrl, IKeyStore store, SecureMessengerOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var messenger = new SecureMessenger(api, store, options ?? new SecureMessengerOptions(), hubUrl);
        var (identity, created) = await messenger._keyring.LoadOrCreateAsync(cancellationToken);
        messenger._identity = identity;
        if (created)
        {
            await api.PublishKeysAsync(DeviceKeyring.PublishRequest(identity, await messenger._keyring.NewPrekeysAsync(messenger._options.PrekeyBatch, cancellationToken)),
                cancellationToken);
            messenger._identity = (await messenger._keyring.LoadOrCreateAsync(cancellationToken)).Identity;
        }

        return messenger;
    }

    /// <summary>Connects, and catches up with everything sent since this device's cursors (envelopes first).</summary>
    public Task ConnectAsync(CancellationToken cancellationToken = default) => Connection.StartAsync(cancellationToken);

    /// <summary>Encrypts and sends a text message; the acknowledgement means it is stored. Retry with the same client id.</summary>
    public Task<MessageAck> SendAsync(Guid conversationId, string text, string? clientMessageId = null, CancellationToken cancellationToken = default)
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
                result.SetResult(await Connection.SendMessageOnQueueAsync(conversationId, clientMessageId, content, cancellationToken));
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

        if (message.Kind != "text" || message.Content is null)
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
                message.ClientMessageId, Encoding.UTF8.GetString(plaintext), message.SentAt));
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
    /// Sends the key to every device of every member (this user's other devices too). When the server says the
    /// device lists are stale, the lists of those users are fetched again and the same send is retried.
    /// </summary>
    private async Task DistributeAsync(SenderKey key, CancellationToken cancellationToken)
    {
        var clientMessageId = $"sk-{key.DistributionId:N}";
        for (var attempt = 0; ; attempt++)
        {
            var recipients = new List<(Guid UserId, Guid DeviceId)>();
            foreach (var userId in (await MembersAsync(key.ConversationId, cancellationToken)).Append(UserId).Distinct())
            {
                recipients.AddRange((await DevicesAsync(userId, cancellationToken)).Where(d => d != DeviceId).Select(d => (userId, d)));
            }

            key.Address([.. recipients.Select(r => r.DeviceId)]);
            var envelopes = new List<EnvelopeJson>();
            foreach (var (userId, deviceId) in recipients)
            {
                var sessions = await SessionsAsync(deviceId);
                var ciphertext = sessions[0].Encrypt(key.Distribution(deviceId).Encode(), MessageBinding.Device(DeviceId, deviceId, clientMessageId));
                await _store.PutAsync(SessionsName(deviceId), sessions, cancellationToken);
                envelopes.Add(new EnvelopeJson(userId, deviceId, Base64Url.EncodeToString(ciphertext)));
            }

            if (envelopes.Count == 0)
            {
                return;
            }

            try
            {
                await Connection.SendToDevicesAsync(clientMessageId, envelopes, cancellationToken);
                return;
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

    private async Task<List<Guid>> MembersAsync(Guid conversationId, CancellationToken cancellationToken)
    {
        if (!_members.TryGetValue(conversationId, out var members))
        {
            members = [.. (await _api.ConversationAsync(conversationId, cancellationToken)).Members.Select(m => m.UserId)];
            _members[conversationId] = members;
        }

        return members;
    }

    /// <summary>The user's devices that may receive, each with a session: new sessions are opened from fetched bundles.</summary>
    private async Task<List<Guid>> DevicesAsync(Guid userId, CancellationToken cancellationToken)
    {
        if (_devices.TryGetValue(userId, out var known))
        {
            return known;
        }

        var keys = await _api.FetchKeysAsync(userId, cancellationToken);
        var devices = new List<Guid>();
        foreach (var bundle in keys.Devices)
        {
            if (bundle.DeviceId == DeviceId)
            {
                continue;
            }

            var parsed = Parse(bundle);
            var sessions = await _store.GetAsync<List<PairwiseSession>>(SessionsName(bundle.DeviceId), cancellationToken) ?? [];
            if (sessions.Count == 0 || !sessions[0].RemoteIdentityKey.AsSpan().SequenceEqual(parsed.IdentityKey))
            {
                // A device that published new identity keys is a new device to its peers.
                sessions = [PairwiseSession.Initiate(_identity.IdentityKey, AgreementKeyPair.Generate(), parsed)];
                await _store.PutAsync(SessionsName(bundle.DeviceId), sessions, cancellationToken);
            }

            devices.Add(bundle.DeviceId);
        }

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

            var oneTime = opening.OneTimePrekeyId is { } id
                ? await _keyring.PrekeyAsync(id) ?? throw new DecryptionException(DecryptionFailure.Replayed, "The one-time prekey it names was used already.")
                : null;
            var session = PairwiseSession.Respond(_identity.IdentityKey, _identity.SignedPrekey, oneTime, opening);
            var plaintext = session.Decrypt(parsed, binding);
            sessions.Insert(0, session);
            await SaveSessionsAsync(message.SenderDeviceId, sessions);
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
        }

        throw first ?? new DecryptionException(DecryptionFailure.NoKey, "No session with the sending device.");
    }

    private Task SaveSessionsAsync(Guid deviceId, List<PairwiseSession> sessions) =>
        _store.PutAsync(SessionsName(deviceId), sessions.Take(5).ToList());

    private Task<SenderKey?> PeerKeyAsync(Guid conversationId, Guid senderDeviceId, Guid distributionId) =>
        _store.GetAsync<SenderKey>(PeerKeyName(conversationId, senderDeviceId, distributionId));

    private async Task PublishPrekeysAsync() => await _api.AddPrekeysAsync(await _keyring.NewPrekeysAsync(_options.PrekeyBatch));

    private static PrekeyBundle Parse(KeyBundleJson bundle) => new(
        bundle.DeviceId,
        Base64Url.DecodeFromChars(bundle.IdentityKey),
        Base64Url.DecodeFromChars(bundle.SigningKey),
        bundle.SignedPrekey.KeyId,
        Base64Url.DecodeFromChars(bundle.SignedPrekey.PublicKey),
        Base64Url.DecodeFromChars(bundle.SignedPrekey.Signature),
        bundle.OneTimePrekey?.KeyId,
        bundle.OneTimePrekey is { } oneTime ? Base64Url.DecodeFromChars(oneTime.PublicKey) : null);

    private static string OwnKeyName(Guid conversationId) => $"senderkey-{conversationId:N}";

    private static string PeerKeyName(Guid conversationId, Guid senderDeviceId, Guid distributionId) =>
        $"peerkey-{conversationId:N}-{senderDeviceId:N}-{distributionId:N}";

    private static string SessionsName(Guid deviceId) => $"sessions-{deviceId:N}";
}
