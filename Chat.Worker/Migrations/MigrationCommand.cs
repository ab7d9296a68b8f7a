using System.Diagnostics;
using Chat.Data;
using Microsoft.EntityFrameworkCore;

namespace Chat.Worker.Migrations;

/// <summary>
/// <c>Chat.Worker migrate</c>: applies the EF Core migrations and exits. It runs once per start (the AppHost's
/// <c>migrations</c> resource) or once per rollout (a Kubernetes Job), never inside every replica of a service.
/// </summary>
internal static class MigrationCommand
{
    public const string Name = "migrate";

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
}
