using Chat.Data;
using Chat.Tests.Infrastructure;
using Chat.Worker.Migrations;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Chat.Tests.Deploy;

/// <summary>
/// Where a deployment has no step that runs once (aspirate's route), every worker replica migrates at start: they
/// start together, and the advisory lock lets one migrate while the others wait and then find nothing to do.
/// </summary>
public sealed class MigrateAtStartTests(ChatApp chat) : DistributedTest(chat)
{
    [Fact]
    public async Task Workers_that_start_together_on_a_new_server_make_the_database_migrate_it_once_and_grant_the_services_role()
    {
        var ct = TestContext.Current.CancellationToken;
        var server = new NpgsqlConnectionStringBuilder(await Chat.ConnectionStringAsync("chatdb"));
        var database = $"chat_migrate_{Guid.NewGuid():N}"[..30];
        var role = $"chat_app_{Guid.NewGuid():N}"[..24];
        var password = Guid.NewGuid().ToString("N");
        // No database yet, as on a cluster's new PostgreSQL: the first worker makes it.
        var owner = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = database };
        var app = new NpgsqlConnectionStringBuilder(owner.ConnectionString) { Username = role, Password = password };
        try
        {
            await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => MigrationCommand.RunAtStartAsync([], owner.ConnectionString, app.ConnectionString), ct)));

            await using var asApp = new NpgsqlConnection(app.ConnectionString);
            await asApp.OpenAsync(ct);
            var applied = (long)(await new NpgsqlCommand("SELECT count(*) FROM \"__EFMigrationsHistory\"", asApp).ExecuteScalarAsync(ct))!;
            await using var context = new ChatDbContext(new DbContextOptionsBuilder<ChatDbContext>().UseNpgsql(owner.ConnectionString).Options);
            Assert.Equal(context.Database.GetMigrations().Count(), applied);
            Assert.Equal(0L, (long)(await new NpgsqlCommand("SELECT count(*) FROM messages", asApp).ExecuteScalarAsync(ct))!);
            var refused = await Assert.ThrowsAsync<PostgresException>(() => new NpgsqlCommand("CREATE TABLE intruder (id int)", asApp).ExecuteNonQueryAsync(ct));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(server.ConnectionString);
            await admin.OpenAsync(ct);
            await new NpgsqlCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE)", admin).ExecuteNonQueryAsync(ct);
            await new NpgsqlCommand($"DROP ROLE IF EXISTS {role}", admin).ExecuteNonQueryAsync(ct);
        }
    }
}
