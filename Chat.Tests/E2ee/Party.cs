using System.Collections.Concurrent;
using Chat.Client.Api;
using Chat.Client.E2ee;
using Chat.Client.Storage;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.E2ee;

/// <summary>One device of a user, running <see cref="SecureMessenger"/> from Chat.Client with its own key store, recording what it showed and refused.</summary>
public sealed class Party : IAsyncDisposable
{
    private const string Password = "correct horse battery";

    private readonly ChatApp _chat;
    private readonly string _username;
    private readonly string _storeDirectory;
    private readonly SecureMessengerOptions _options;

    private Party(ChatApp chat, string username, ChatApi api, SecureMessengerOptions? options)
    {
        _chat = chat;
        _username = username;
        Api = api;
        _options = options ?? new SecureMessengerOptions();
        _storeDirectory = Path.Combine(RepositoryPaths.TestDataDirectory, "keystores", $"{api.DeviceId:N}");
        Store = new FileKeyStore(_storeDirectory);
    }

    public ChatApi Api { get; }
    public FileKeyStore Store { get; }
    public SecureMessenger Messenger { get; private set; } = null!;
    public Guid UserId => Api.UserId;
    public Guid DeviceId => Api.DeviceId;
    public ConcurrentQueue<DecryptedMessage> Received { get; } = new();
    public ConcurrentQueue<RefusedMessage> Refused { get; } = new();
    public ConcurrentQueue<Chat.Client.Realtime.MessageEvent> Membership { get; } = new();
    public ConcurrentQueue<StaleDevicesJson> Stale { get; } = new();

    public static async Task<Party> RegisterAsync(ChatApp chat, RealtimeNode node, SecureMessengerOptions? options = null)
    {
        var username = TestUser.UniqueName("e");
        var api = await ChatApi.RegisterAsync(ApiClient.FromOwnAddress(chat), username, Password, $"Test {username}");
        var party = new Party(chat, username, api, options);
        await party.StartAsync(node);
        return party;
    }

    /// <summary>The same user signing in on another device, with a key store of its own.</summary>
    public async Task<Party> AnotherDeviceAsync(RealtimeNode node, SecureMessengerOptions? options = null)
    {
        var api = await ChatApi.LoginAsync(ApiClient.FromOwnAddress(_chat), _username, Password, "another device");
        var party = new Party(_chat, _username, api, options);
        await party.StartAsync(node);
        return party;
    }

    /// <summary>Drops the connection and comes back on <paramref name="node"/> with the same device and key store, as an app restarted.</summary>
    public async Task RestartAsync(RealtimeNode node)
    {
        await Messenger.DisposeAsync();
        await StartAsync(node);
    }

    public Task<Chat.Client.Realtime.MessageAck> SendAsync(Guid conversationId, string text, string? clientMessageId = null) =>
        Messenger.SendAsync(conversationId, text, clientMessageId, TestContext.Current.CancellationToken);

    public async Task<ApiClient> RestAsync() => new(_chat, await Api.AccessTokenAsync(TestContext.Current.CancellationToken));

    public Task WaitForAsync(Func<Party, bool> condition, string what) =>
        Eventually.HoldsAsync(() => condition(this), TimeSpan.FromSeconds(20),
            () => $"{what}: received [{string.Join(", ", Received.Select(m => m.Text))}], refused [{string.Join(", ", Refused.Select(r => $"{r.Seq}:{r.Failure}"))}]");

    public async ValueTask DisposeAsync()
    {
        await Messenger.DisposeAsync();
        Api.Dispose();
    }

    private async Task StartAsync(RealtimeNode node)
    {
        Messenger = await SecureMessenger.CreateAsync(Api, new Uri(node.Address, "/hubs/chat"), Store, _options, TestContext.Current.CancellationToken);
        Messenger.Received += Received.Enqueue;
        Messenger.Refused += Refused.Enqueue;
        Messenger.MembershipChanged += Membership.Enqueue;
        Messenger.DeviceListsRefreshed += lists =>
        {
            foreach (var list in lists)
            {
                Stale.Enqueue(list);
            }
        };
        await Messenger.ConnectAsync(TestContext.Current.CancellationToken);
    }
}
