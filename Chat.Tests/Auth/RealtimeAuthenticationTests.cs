using Chat.Tests.Infrastructure;

namespace Chat.Tests.Auth;

public sealed class RealtimeAuthenticationTests(ChatApp chat) : DistributedTest(chat)
{
    [Fact]
    public async Task Every_realtime_node_accepts_a_valid_token_on_the_websocket_upgrade()
    {
        var user = await TestUser.RegisterAsync(Chat);
        foreach (var node in Chat.RealtimeNodes)
        {
            await using var connection = HubClients.Create(node, user.Tokens.AccessToken);
            await connection.StartAsync(TestContext.Current.CancellationToken);
            Assert.Equal(Microsoft.AspNetCore.SignalR.Client.HubConnectionState.Connected, connection.State);
        }
    }

    [Fact]
    public async Task Every_realtime_node_offers_websockets_only_so_tokens_stay_out_of_request_urls()
    {
        var user = await TestUser.RegisterAsync(Chat);
        foreach (var node in Chat.RealtimeNodes)
        {
            using var http = new HttpClient { BaseAddress = node.Address };
            http.DefaultRequestHeaders.Authorization = new("Bearer", user.Tokens.AccessToken);
            var negotiation = await http.PostAsync("/hubs/chat/negotiate?negotiateVersion=1", null, TestContext.Current.CancellationToken);
            var body = await ApiClient.ReadAsync<System.Text.Json.JsonElement>(negotiation);
            var transports = body.GetProperty("availableTransports").EnumerateArray().Select(t => t.GetProperty("transport").GetString()).ToList();
            Assert.Equal(["WebSockets"], transports);
        }
    }

    [Fact]
    public async Task Every_realtime_node_refuses_expired_tampered_and_revoked_tokens()
    {
        var user = await TestUser.RegisterAsync(Chat);
        var victim = await TestUser.RegisterAsync(Chat);
        var signedOut = await TestUser.RegisterAsync(Chat);
        using (var api = signedOut.Api(Chat))
        {
            await api.PostAsync("/api/auth/logout");
        }

        var refused = new[]
        {
            await TokenMint.SignAsync(Chat, user.Id, user.Tokens.DeviceId, DateTime.UtcNow.AddHours(-1), DateTime.UtcNow.AddMinutes(-10)),
            TokenMint.Tamper(user.Tokens.AccessToken, victim.Id),
            signedOut.Tokens.AccessToken,
        };
        foreach (var node in Chat.RealtimeNodes)
        {
            foreach (var token in refused)
            {
                await using var connection = HubClients.Create(node, token);
                var error = await Assert.ThrowsAnyAsync<Exception>(() => connection.StartAsync(TestContext.Current.CancellationToken));
                Assert.Contains("401", error.Message);
            }
        }
    }
}
