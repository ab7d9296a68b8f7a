using System.Net.Http.Json;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Chat.Bench.Targets;

/// <summary>
/// Our system: users registered through the API, conversations created through it, every message sent with
/// SendMessage over MessagePack and acknowledged only after its commit in PostgreSQL. Each connection is a device
/// of its own, with an access token signed by the deployment's key (the load generator is given it, so that
/// 10,000 devices need no 10,000 logins).
/// </summary>
public sealed class ChatTarget(Uri api, IReadOnlyList<Uri> nodes, string signingKey, IReadOnlyList<int> nodeProcessIds) : IBenchTarget
{
    private static int _nextAddress;
    private int _userSets;
    private readonly HttpClient _http = new() { BaseAddress = api, Timeout = TimeSpan.FromMinutes(2) };
    private readonly JsonWebTokenHandler _tokens = new();
    private readonly SigningCredentials _credentials = new(SigningKey(signingKey), SecurityAlgorithms.EcdsaSha256);
    private readonly string _runId = Guid.NewGuid().ToString("N")[..8];

    public string Name => "chat (ours)";

    public bool Routes => true;

    public bool Stores => true;

    public IReadOnlyList<int> NodeProcessIds => nodeProcessIds;

    public async Task<IReadOnlyList<BenchUser>> CreateUsersAsync(int count, CancellationToken cancellationToken)
    {
        var prefix = $"b{_runId}{Interlocked.Increment(ref _userSets)}x";
        var users = new BenchUser[count];
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var name = prefix + i;
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/register")
            {
                Content = JsonContent.Create(new RegisterRequest(name, "bench-password-" + _runId, name)),
            };

            // A client address of its own per registration, as real sign-ups come from many addresses.
            var address = Interlocked.Increment(ref _nextAddress);
            request.Headers.Add("X-Forwarded-For", $"10.{(address >> 16) & 255}.{(address >> 8) & 255}.{address & 255}");
            using var response = await _http.SendAsync(request, ct);
            response.EnsureSuccessStatusCode();
            var registered = (await response.Content.ReadFromJsonAsync<RegisterResponse>(ct))!;
            users[i] = new BenchUser(registered.UserId.ToString(), name);
        });
        return users;
    }

    /// <summary>A direct conversation both may write to: the benchmark's users are strangers, so the recipient accepts the request.</summary>
    public async Task<string> DirectChannelAsync(BenchUser from, BenchUser to, CancellationToken cancellationToken)
    {
        var created = await CreateConversationAsync(from, new ConversationRequest("direct", UserId: Guid.Parse(to.Id)), cancellationToken);
        if (created.Request == "sent")
        {
            await PostAsync(to, $"/api/conversations/{created.Id}/accept", cancellationToken);
        }

        return created.Id.ToString();
    }

    /// <summary>A group of all <paramref name="members"/>: those invited as strangers to its creator accept.</summary>
    public async Task<string> GroupChannelAsync(IReadOnlyList<BenchUser> members, CancellationToken cancellationToken)
    {
        var created = await CreateConversationAsync(members[0],
            new ConversationRequest("group", Title: "bench", MemberIds: members.Skip(1).Select(m => Guid.Parse(m.Id)).ToList()), cancellationToken);
        var invited = (created.Invited ?? []).Select(i => i.UserId.ToString()).ToHashSet();
        await Parallel.ForEachAsync(members.Where(m => invited.Contains(m.Id)), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (member, ct) => await PostAsync(member, $"/api/invitations/{created.Id}", ct));
        return created.Id.ToString();
    }

    private async Task PostAsync(BenchUser user, string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        request.Headers.Authorization = new("Bearer", Token(user));
        using var response = await _http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    public async Task<IBenchClient> ConnectAsync(BenchUser user, int node, Action<string> onMessage, CancellationToken cancellationToken)
    {
        var token = Token(user);
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(nodes[node % nodes.Count], "/hubs/chat"), o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
            })
            .AddMessagePackProtocol()
            .Build();
        connection.ServerTimeout = TimeSpan.FromMinutes(2);
        var client = new ChatBenchClient(connection, Guid.Parse(user.Id), onMessage, this, user);
        await connection.StartAsync(cancellationToken);

        // The handshake completes before the node has registered the connection; the first invocation's answer
        // comes after, so from here on every message for this user reaches this client live.
        await connection.InvokeAsync<SyncResult>("Sync", new SyncRequest([], 1), cancellationToken);
        return client;
    }

    /// <summary>Whether <paramref name="user"/> has a device connected, as <paramref name="asker"/> (who shares a conversation) sees it.</summary>
    public async Task<bool> IsOnlineAsync(BenchUser asker, BenchUser user)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/users/{user.Id}/presence");
        request.Headers.Authorization = new("Bearer", Token(asker));
        using var response = await _http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<PresenceResponse>())!.Online;
    }

    /// <summary>A device of the user on node <paramref name="node"/> that stops reading after the handshake.</summary>
    public Task<StalledConnection> ConnectStalledAsync(BenchUser user, int node, CancellationToken cancellationToken) =>
        StalledConnection.ConnectAsync(new Uri(nodes[node % nodes.Count], "/hubs/chat"), Token(user), cancellationToken);

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await Task.CompletedTask;
    }

    private async Task<ConversationResponse> CreateConversationAsync(BenchUser owner, ConversationRequest body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/conversations") { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new("Bearer", Token(owner));
        using var response = await _http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<ConversationResponse>(cancellationToken))!;
    }

    private string Token(BenchUser user) => _tokens.CreateToken(new SecurityTokenDescriptor
    {
        Issuer = "chat",
        Audience = "chat",
        Expires = DateTime.UtcNow.AddHours(3),
        SigningCredentials = _credentials,
        Subject = new ClaimsIdentity([new Claim("sub", user.Id), new Claim("did", Guid.NewGuid().ToString()), new Claim("name", user.Name)]),
    });

    /// <summary>Where each of a user's conversations stands now, as an app loads it at start (GET /api/conversations, every page).</summary>
    private async Task<Dictionary<Guid, long>> PositionsAsync(BenchUser user)
    {
        var positions = new Dictionary<Guid, long>();
        string? after = null;
        do
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/conversations?limit=200{(after is null ? "" : $"&after={after}")}");
            request.Headers.Authorization = new("Bearer", Token(user));
            using var response = await _http.SendAsync(request);
            response.EnsureSuccessStatusCode();
            var page = (await response.Content.ReadFromJsonAsync<ConversationPage>())!;
            foreach (var conversation in page.Conversations)
            {
                positions[conversation.Id] = conversation.LastSeq;
            }

            after = page.Next;
        }
        while (after is not null);

        return positions;
    }

    private sealed class ChatBenchClient : IBenchClient
    {
        private readonly HubConnection _connection;
        private readonly Guid _userId;
        private readonly Action<string> _onMessage;
        private readonly ChatTarget _target;
        private readonly BenchUser _user;
        private readonly Dictionary<Guid, long> _positions = [];
        private readonly HashSet<Guid> _seen = [];

        public ChatBenchClient(HubConnection connection, Guid userId, Action<string> onMessage, ChatTarget target, BenchUser user)
        {
            _connection = connection;
            _userId = userId;
            _onMessage = onMessage;
            _target = target;
            _user = user;
            connection.On<MessageEvent>("message", m => Deliver(m));
        }

        /// <summary>
        /// Drops the connection after learning where every conversation stands, so that Sync asks only for what
        /// comes after, as an app that has its history does.
        /// </summary>
        public async Task DropAsync()
        {
            var positions = await _target.PositionsAsync(_user);
            lock (_positions)
            {
                foreach (var (conversation, seq) in positions)
                {
                    _positions[conversation] = Math.Max(_positions.GetValueOrDefault(conversation), seq);
                }
            }

            await _connection.StopAsync();
        }

        public Task ReconnectAsync() => _connection.StartAsync();

        public Task SendAsync(string channel, string payload) =>
            _connection.InvokeAsync<MessageAck>("SendMessage",
                new SendMessageRequest(Guid.Parse(channel), Guid.NewGuid().ToString("N"), payload));

        public Task JoinAsync(string channel) => Task.CompletedTask;

        /// <summary>Syncs from the last seen positions, page by page, as a reconnecting app does.</summary>
        public async Task<int> CatchUpAsync()
        {
            var caughtUp = 0;
            while (true)
            {
                List<SyncCursor> cursors;
                lock (_positions)
                {
                    cursors = _positions.Select(p => new SyncCursor(p.Key, p.Value)).ToList();
                }

                var result = await _connection.InvokeAsync<SyncResult>("Sync", new SyncRequest(cursors, 200));
                caughtUp += result.Messages.Count(Deliver);
                if (!result.HasMore)
                {
                    return caughtUp;
                }
            }
        }

        public ValueTask DisposeAsync() => _connection.DisposeAsync();

        /// <summary>A message from a live event or from Sync, taken once whichever brings it first.</summary>
        private bool Deliver(MessageEvent message)
        {
            lock (_positions)
            {
                _positions[message.ConversationId] = Math.Max(_positions.GetValueOrDefault(message.ConversationId), message.Seq);
                if (!_seen.Add(message.MessageId) || message.SenderId == _userId || message.Content is null)
                {
                    return false;
                }
            }

            _onMessage(message.Content);
            return true;
        }
    }

    /// <summary>
    /// The deployment's ES256 key from its PEM, with the id the API publishes for it (the public key's JWK
    /// thumbprint), so the realtime nodes find it in the API's key set.
    /// </summary>
    private static ECDsaSecurityKey SigningKey(string pem)
    {
        var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(pem);
        var publicJwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(ECDsa.Create(ecdsa.ExportParameters(false))));
        return new ECDsaSecurityKey(ecdsa) { KeyId = Base64UrlEncoder.Encode(publicJwk.ComputeJwkThumbprint()) };
    }
}
