using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Text;
using Chat.Client.Crypto;

namespace Chat.Bench.Targets;

/// <summary>
/// Ours with every message encrypted end to end by Chat.Client's sender keys: each client encrypts a payload before
/// sending and decrypts what it receives (checking its tag), as a real client does. The keys are handed
/// out in this process at a channel's first message instead of over device messages: a sender key is sent once
/// per 100 messages, and <see cref="Workloads.EncryptionCost"/> measures that part.
/// </summary>
public sealed class EncryptedTarget(IBenchTarget inner) : IBenchTarget
{
    /// <summary>Every sender key made, by distribution id, as its receivers would have got it.</summary>
    private readonly ConcurrentDictionary<Guid, (SenderKeyDistribution Distribution, Guid SenderDevice)> _distributions = new();

    public string Name => $"{inner.Name[..^1]}, encrypted)";
    public bool Routes => inner.Routes;
    public bool Stores => inner.Stores;
    public IReadOnlyList<int> NodeProcessIds => inner.NodeProcessIds;

    public Task<IReadOnlyList<BenchUser>> CreateUsersAsync(int count, CancellationToken cancellationToken) => inner.CreateUsersAsync(count, cancellationToken);

    public Task<string> DirectChannelAsync(BenchUser from, BenchUser to, CancellationToken cancellationToken) => inner.DirectChannelAsync(from, to, cancellationToken);

    public Task<string> GroupChannelAsync(IReadOnlyList<BenchUser> members, CancellationToken cancellationToken) => inner.GroupChannelAsync(members, cancellationToken);

    public async Task<IBenchClient> ConnectAsync(BenchUser user, int node, Action<string> onMessage, CancellationToken cancellationToken)
    {
        var client = new Client(this);
        client.Inner = await inner.ConnectAsync(user, node, client.Receive(onMessage), cancellationToken);
        return client;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private sealed class Client(EncryptedTarget target) : IBenchClient
    {
        private readonly Guid _device = Guid.NewGuid();
        private readonly ConcurrentDictionary<string, SenderKey> _sending = new();
        private readonly ConcurrentDictionary<Guid, SenderKey> _receiving = new();

        public IBenchClient Inner { get; set; } = null!;

        public Task SendAsync(string channel, string payload)
        {
            var key = _sending.GetOrAdd(channel, c =>
            {
                // A direct channel has one recipient device: the partner's.
                var made = SenderKey.Create(Guid.Parse(c), _device);
                made.Address([Guid.Empty]);
                target._distributions[made.DistributionId] = (made.Distribution(Guid.Empty), _device);
                return made;
            });
            byte[] message;
            lock (key)
            {
                message = key.Encrypt(Encoding.UTF8.GetBytes(payload), "");
            }

            return Inner.SendAsync(channel, Base64Url.EncodeToString(message));
        }

        public Action<string> Receive(Action<string> onMessage) => content =>
        {
            var message = GroupMessage.Parse(Base64Url.DecodeFromChars(content));
            var (distribution, senderDevice) = target._distributions[message.DistributionId];
            var key = _receiving.GetOrAdd(message.DistributionId, _ => SenderKey.Received(distribution, senderDevice));
            byte[] plaintext;
            lock (key)
            {
                plaintext = key.Decrypt(message, "");
            }

            onMessage(Encoding.UTF8.GetString(plaintext));
        };

        public Task JoinAsync(string channel) => Inner.JoinAsync(channel);

        public Task DropAsync() => Inner.DropAsync();

        public Task ReconnectAsync() => Inner.ReconnectAsync();

        public Task<int> CatchUpAsync() => Inner.CatchUpAsync();

        public ValueTask DisposeAsync() => Inner.DisposeAsync();
    }
}
