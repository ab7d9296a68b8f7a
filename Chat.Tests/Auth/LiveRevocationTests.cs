using System.Net;
using System.Net.WebSockets;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Tests.Auth;

/// <summary>A device whose sign-in ends loses its open connections on every node, not only its future requests.</summary>
public sealed class LiveRevocationTests(ChatApp chat) : DistributedTest(chat)
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Logout_closes_the_devices_connections_on_every_node_and_no_other_device()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var laptop = await alice.LoginAsync(Chat, "laptop");
        await using var watched = await DeviceOnBothNodesAsync(alice.Tokens.AccessToken);
        await using var other = await ChatClient.ConnectAsync(Chat.RealtimeNodes[0], laptop.AccessToken);

        using var api = alice.Api(Chat);
        Assert.Equal(HttpStatusCode.NoContent, (await api.PostAsync("/api/auth/logout")).StatusCode);

        await watched.AssertClosedAsync("device_signed_out");
        Assert.Equal(HubConnectionState.Connected, other.Connection.State);
    }

    [Fact]
    public async Task Removing_a_device_closes_its_connections_on_every_node()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var phone = await alice.LoginAsync(Chat, "phone");
        await using var watched = await DeviceOnBothNodesAsync(phone.AccessToken);

        using var api = alice.Api(Chat);
        Assert.Equal(HttpStatusCode.NoContent, (await api.DeleteAsync($"/api/devices/{phone.DeviceId}")).StatusCode);

        await watched.AssertClosedAsync("device_signed_out");
    }

    [Fact]
    public async Task Refresh_token_reuse_signs_the_device_out_and_closes_its_connections()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        await using var watched = await DeviceOnBothNodesAsync(alice.Tokens.AccessToken);

        using var anonymous = new ApiClient(Chat);
        var rotated = await ApiClient.ReadAsync<TokenPair>(await anonymous.PostAsync("/api/auth/refresh", new { refreshToken = alice.Tokens.RefreshToken }));
        await ApiClient.ReadProblemAsync(await anonymous.PostAsync("/api/auth/refresh", new { refreshToken = alice.Tokens.RefreshToken }), HttpStatusCode.Unauthorized);

        await watched.AssertClosedAsync("device_signed_out");
        using var thief = new ApiClient(Chat, rotated.AccessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, (await thief.GetAsync("/api/users/me")).StatusCode);
        await ApiClient.ReadProblemAsync(await anonymous.PostAsync("/api/auth/refresh", new { refreshToken = rotated.RefreshToken }), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_connection_closes_when_its_access_token_expires()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        // Long enough to connect to both nodes on a loaded CI machine; the close must still come within 5 s of expiry.
        var expires = DateTime.UtcNow.AddSeconds(15);
        var shortLived = await TokenMint.SignAsync(Chat, alice.Id, alice.Tokens.DeviceId, DateTime.UtcNow.AddSeconds(-1), expires);
        await using var watched = await DeviceOnBothNodesAsync(shortLived);

        await watched.AssertClosedAsync(expectedError: null, within: expires - DateTime.UtcNow + Within);
    }

    [Fact]
    public async Task A_signed_out_device_cannot_connect_again()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        await using var watched = await DeviceOnBothNodesAsync(alice.Tokens.AccessToken);

        using var api = alice.Api(Chat);
        await api.PostAsync("/api/auth/logout");
        await watched.AssertClosedAsync("device_signed_out");

        foreach (var node in Chat.RealtimeNodes)
        {
            // Skipping negotiation, the refusal is the upgrade's status.
            var refused = await Assert.ThrowsAsync<WebSocketException>(() => ChatClient.ConnectAsync(node, alice.Tokens.AccessToken));
            Assert.Contains("'401'", refused.Message);
        }
    }

    private async Task<Watched> DeviceOnBothNodesAsync(string accessToken)
    {
        var clients = new List<ChatClient>();
        foreach (var node in Chat.RealtimeNodes)
        {
            clients.Add(await ChatClient.ConnectAsync(node, accessToken));
        }

        return new Watched(clients);
    }

    private sealed class Watched : IAsyncDisposable
    {
        private readonly List<ChatClient> _clients;
        private readonly List<TaskCompletionSource<Exception?>> _closed = [];

        public Watched(List<ChatClient> clients)
        {
            _clients = clients;
            foreach (var client in clients)
            {
                var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
                client.Connection.Closed += error =>
                {
                    closed.TrySetResult(error);
                    return Task.CompletedTask;
                };
                _closed.Add(closed);
            }
        }

        /// <param name="expectedError">The close error's code; null when the close carries none.</param>
        public async Task AssertClosedAsync(string? expectedError, TimeSpan? within = null)
        {
            var errors = await Task.WhenAll(_closed.Select(c => c.Task)).WaitAsync(within ?? Within, TestContext.Current.CancellationToken);
            foreach (var error in errors)
            {
                if (expectedError is null)
                {
                    continue;
                }

                Assert.NotNull(error);
                Assert.Contains(expectedError, error.Message);
            }
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var client in _clients)
            {
                await client.DisposeAsync();
            }
        }
    }
}
