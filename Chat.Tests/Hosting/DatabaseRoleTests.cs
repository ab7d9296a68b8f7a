using Aspire.Hosting.ApplicationModel;
using Chat.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Chat.Tests.Hosting;

/// <summary>The services reach PostgreSQL as a role that reads and writes rows and can do nothing more.</summary>
public sealed class DatabaseRoleTests(ChatApp chat) : DistributedTest(chat)
{
    [Fact]
    public async Task The_services_role_is_no_superuser_and_cannot_change_the_schema()
    {
        var ct = TestContext.Current.CancellationToken;
        var owner = new NpgsqlConnectionStringBuilder(await Chat.ConnectionStringAsync("chatdb"));
        var password = await Chat.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ParameterResource>()
            .Single(p => p.Name == "postgres-app-password").GetValueAsync(ct);
        var asApp = new NpgsqlConnectionStringBuilder(owner.ConnectionString) { Username = "chat_app", Password = password, Pooling = false };
        await using var app = new NpgsqlConnection(asApp.ConnectionString);
        await app.OpenAsync(ct);

        await using (var rights = new NpgsqlCommand(
            "SELECT rolsuper OR rolcreaterole OR rolcreatedb OR rolbypassrls FROM pg_roles WHERE rolname = current_user", app))
        {
            Assert.Equal(false, await rights.ExecuteScalarAsync(ct));
        }

        await using (var read = new NpgsqlCommand("SELECT count(*) >= 0 FROM messages", app))
        {
            Assert.Equal(true, await read.ExecuteScalarAsync(ct));
        }

        foreach (var forbidden in new[] { "CREATE TABLE intruder (id int)", "DROP TABLE messages", "ALTER TABLE users ADD COLUMN x int", "COPY users TO '/tmp/users'" })
        {
            await using var command = new NpgsqlCommand(forbidden, app);
            var refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync(ct));
            Assert.True(refused.SqlState is PostgresErrorCodes.InsufficientPrivilege or "42501", $"{forbidden}: {refused.SqlState} {refused.MessageText}");
        }

        // And it is the role the services are connected with.
        await using var ownerConnection = new NpgsqlConnection(owner.ConnectionString);
        await ownerConnection.OpenAsync(ct);
        await using var sessions = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE usename = 'chat_app' AND datname = current_database()", ownerConnection);
        Assert.True((long)(await sessions.ExecuteScalarAsync(ct))! > 1, "no service is connected as chat_app");
    }
}
