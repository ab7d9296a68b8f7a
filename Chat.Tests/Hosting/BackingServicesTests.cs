using System.Net;
using Chat.Messaging.Redis;
using Chat.Tests.Infrastructure;
using Npgsql;
using StackExchange.Redis;

namespace Chat.Tests.Hosting;

/// <summary>The API's writes land in the real PostgreSQL and Redis that the AppHost started, and it reads them back.</summary>
public sealed class BackingServicesTests(ChatApp chat) : DistributedTest(chat)
{
    [Fact]
    public async Task Api_writes_and_reads_postgresql()
    {
        var user = await TestUser.RegisterAsync(Chat);

        await using var db = new NpgsqlConnection(await Chat.ConnectionStringAsync("chatdb"));
        await db.OpenAsync(TestContext.Current.CancellationToken);
        await using var update = new NpgsqlCommand("UPDATE users SET display_name = 'Renamed in SQL' WHERE id = @id", db);
        update.Parameters.AddWithValue("id", user.Id);
        Assert.Equal(1, await update.ExecuteNonQueryAsync(TestContext.Current.CancellationToken));

        using var api = user.Api(Chat);
        var me = await ApiClient.ReadAsync<System.Text.Json.JsonElement>(await api.GetAsync("/api/users/me"));
        Assert.Equal("Renamed in SQL", me.GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task Api_writes_and_reads_redis()
    {
        var user = await TestUser.RegisterAsync(Chat);
        using var api = user.Api(Chat);
        Assert.Equal(HttpStatusCode.NoContent, (await api.PostAsync("/api/auth/logout")).StatusCode);

        await using var redis = await ConnectionMultiplexer.ConnectAsync(await Chat.ConnectionStringAsync("redis"));
        Assert.True(await redis.GetDatabase().KeyExistsAsync(RedisNames.RevokedDevice(user.Tokens.DeviceId)));
        await ApiClient.ReadProblemAsync(await api.GetAsync("/api/users/me"), HttpStatusCode.Unauthorized);
    }
}
