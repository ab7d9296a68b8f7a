using System.Net;
using Aspire.Hosting.Testing;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Hosting;

public sealed class SystemStartupTests(ChatApp chat) : DistributedTest(chat)
{
    [Fact]
    public async Task Api_answers_health_and_liveness()
    {
        using var client = Chat.CreateApiClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/alive", TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task Every_realtime_replica_answers_health_on_its_own_address()
    {
        Assert.True(Chat.RealtimeNodes.Count >= 2, "the AppHost runs at least two realtime nodes");
        using var client = new HttpClient();
        foreach (var node in Chat.RealtimeNodes)
        {
            var response = await client.GetAsync(new Uri(node.Address, "/health"), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task Worker_answers_health()
    {
        using var client = Chat.App.CreateHttpClient("worker", "http");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health", TestContext.Current.CancellationToken)).StatusCode);
    }
}
