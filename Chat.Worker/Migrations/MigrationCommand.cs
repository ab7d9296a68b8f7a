using System.Diagnostics;
using Chat.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Chat.Worker.Migrations;

/// <summary>
/// <c>Chat.Worker migrate</c>: applies the EF Core migrations, grants the services' role, and exits. It runs once
/// per start (the AppHost's <c>migrations</c> resource). Where a deployment has no step that runs once (aspirate
/// makes every project a Deployment), the worker does the same before it starts (<see cref="RunAtStartAsync"/>):
/// every replica may try at once, so the whole of it runs under a PostgreSQL advisory lock, one at a time, and
/// those after the first find nothing to do.
/// </summary>
public static class MigrationCommand
{
    public const string Name = "migrate";

    /// <summary>
    /// The schema owner's connection string (ConnectionStrings:chatdb-owner), given to the worker only where it
    /// migrates at start; it is a connection string so that aspirate, like the project's own generator, keeps it in
    /// a Secret.
    /// </summary>
    public const string OwnerConnectionName = "chatdb-owner";

    /// <summary>pg_advisory_lock's key for the schema's migrations: any constant every migrator shares.</summary>
    private const long MigrationLockKey = 0x63686174_6d696772; // "chatmigr"

    private static readonly ActivitySource Source = new("Chat.Worker.Migrations");

    public static async Task<int> RunAsync(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        builder.AddServiceDefaults();
        builder.AddMigrationServices();
        using var host = builder.Build();
        await host.StartAsync();

        var logger = host.Services.GetRequiredService<ILogger<ChatDbContext>>();
        using (var activity = Source.StartActivity("Migrate chatdb"))
        {
            await using var scope = host.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ChatDbContext>();
            // A new server has no database yet (the cluster's PostgreSQL image makes none): the lock needs one to be
            // taken in, so it is made first; two replicas may both try, and one finds it made.
            var creator = db.GetService<IRelationalDatabaseCreator>();
            await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
            {
                if (!await creator.ExistsAsync())
                {
                    try
                    {
                        await creator.CreateAsync();
                    }
                    catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase)
                    {
                    }
                }
            });

            // The context's own connection, kept open to the end: the lock is the session's, and goes with it.
            await db.Database.CreateExecutionStrategy().ExecuteAsync(() => db.Database.OpenConnectionAsync());
            await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_lock({MigrationLockKey})");

            // The history table first: on a new database EF's provider reads it without asking whether it exists
            // (npgsql/efcore.pg#3407) and logs each failed read as an error, two at every first start.
            await db.Database.ExecuteSqlRawAsync(db.GetService<IHistoryRepository>().GetCreateIfNotExistsScript());

            var pending = (await db.Database.GetPendingMigrationsAsync()).ToList();
            // The execution strategy retries the whole migration when PostgreSQL is still coming up.
            await db.Database.CreateExecutionStrategy().ExecuteAsync(() => db.Database.MigrateAsync());
            activity?.SetTag("chat.migrations.applied", pending.Count);
            logger.LogInformation("Database is up to date; applied {Count} migration(s): {Migrations}", pending.Count, string.Join(", ", pending));
            await scope.ServiceProvider.GetRequiredService<AppRole>().EnsureAsync(CancellationToken.None);
        }

        await host.StopAsync();
        return 0;
    }

    /// <summary>
    /// Migrates as the owner, and creates or updates the services' role with the name and password of the worker's
    /// own connection string (ConnectionStrings:chatdb), so no other secret is needed.
    /// </summary>
    public static async Task RunAtStartAsync(string[] args, string ownerConnection, string? appConnection)
    {
        var appRole = new NpgsqlConnectionStringBuilder(appConnection ?? throw new InvalidOperationException("ConnectionStrings:chatdb is not set."));
        string[] asOwner =
        [
            .. args,
            $"--ConnectionStrings:chatdb={ownerConnection}",
            $"--{AppRoleOptions.SectionName}:{nameof(AppRoleOptions.AppRole)}={appRole.Username}",
            $"--{AppRoleOptions.SectionName}:{nameof(AppRoleOptions.AppRolePassword)}={appRole.Password}",
        ];
        await RunAsync(asOwner);
    }
}
