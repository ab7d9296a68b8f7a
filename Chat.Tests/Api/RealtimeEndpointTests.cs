using System.Net;
using Chat.Api.Realtime;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Api;

public sealed class RealtimeEndpointTests(ChatApp chat) : DistributedTest(chat)
{
    [Theory]
    [InlineData(null)]
    [InlineData("NZ")]
    public async Task Clients_are_sent_to_the_default_region_s_hub_which_accepts_them(string? countryHint)
    {
        using var api = new ApiClient(Chat);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/realtime/endpoint");
        if (countryHint is not null)
        {
            request.Headers.Add("CF-IPCountry", countryHint);
        }

        var endpoint = await ApiClient.ReadAsync<RealtimeEndpoint>(await api.SendAsync(request));

        Assert.Equal("default", endpoint.Region);
        var hub = new Uri(endpoint.Url);
        Assert.Equal("/hubs/chat", hub.AbsolutePath);

        // The address is a realtime node's: its health endpoint answers on the same origin.
        using var http = new HttpClient();
        var health = await http.GetAsync(new Uri(hub, "/health"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }
}
