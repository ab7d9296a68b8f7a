using Chat.Data.Health;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Chat.Data;

public static class ChatDatabaseExtensions
{
    /// <summary>The AppHost's name for the database; its connection string arrives as <c>ConnectionStrings:chatdb</c>.</summary>
    public const string ConnectionName = "chatdb";

    /// <summary>
    /// One Npgsql data source (one connection pool, instrumented by Aspire) serves both EF Core, for the model and
    /// most queries, and hand-written SQL on the hot path of a message write.
    /// </summary>
    /// <param name="keepsSessionState">
    /// Whether the process leaves state in a pooled session (a LISTEN, an advisory lock), which the pool must then
    /// reset before the next use; see <see cref="SkipSessionReset"/>.
    /// </param>
    public static void AddChatDatabase(this IHostApplicationBuilder builder, bool keepsSessionState = false)
    {
        builder.AddNpgsqlDataSource(ConnectionName, settings => settings.DisableHealthChecks = true, dataSource =>
        {
            PrepareRepeatedStatements(dataSource);
            if (!keepsSessionState)
            {
                SkipSessionReset(dataSource);
            }
        });
        builder.Services.AddDbContextPool<ChatDbContext>((services, options) =>
            Configure(options.UseNpgsql(services.GetRequiredService<NpgsqlDataSource>())));
        builder.EnrichNpgsqlDbContext<ChatDbContext>(settings => settings.DisableHealthChecks = true);
        builder.Services.AddHealthChecks().AddCheck<ChatDatabaseHealthCheck>(ConnectionName);
    }

    /// <summary>
    /// PostgreSQL parsed and planned every statement anew: in a profile of 10,000 devices connecting and syncing,
    /// parsing and planning took half of its CPU, running the statements a sixth. The statements are few and
    /// fixed, so each pooled connection prepares the ones it has run twice (Npgsql's automatic preparation). A
    /// connection string that names its own limit keeps it (<c>Max Auto Prepare=0</c> turns this off).
    /// </summary>
    public static void PrepareRepeatedStatements(NpgsqlDataSourceBuilder dataSource)
    {
        // Keys holds the keywords the connection string sets, by their canonical names; ContainsKey only says
        // whether Npgsql knows a keyword at all.
        if (!dataSource.ConnectionStringBuilder.Keys.Contains("Max Auto Prepare"))
        {
            dataSource.ConnectionStringBuilder.MaxAutoPrepare = MaxPreparedStatements;
            dataSource.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
        }
    }

    private const int MaxPreparedStatements = 128;

    /// <summary>
    /// A pooled connection's next use began with three statements that reset its session (role, settings, advisory
    /// locks): 84,723 of them in a benchmark run of 32,000 connects, about three a connect, for state the realtime
    /// nodes and the API never set. A connection string that says otherwise (<c>No Reset On Close=false</c>) keeps it.
    /// </summary>
    public static void SkipSessionReset(NpgsqlDataSourceBuilder dataSource)
    {
        if (!dataSource.ConnectionStringBuilder.Keys.Contains("No Reset On Close"))
        {
            dataSource.ConnectionStringBuilder.NoResetOnClose = true;
        }
    }

    internal static void Configure(DbContextOptionsBuilder options) => options.UseSnakeCaseNamingConvention();
}
