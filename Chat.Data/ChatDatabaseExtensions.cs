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
    public static void AddChatDatabase(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDataSource(ConnectionName, settings => settings.DisableHealthChecks = true, PrepareRepeatedStatements);
        builder.Services.AddDbContextPool<ChatDbContext>((services, options) =>
            Configure(options.UseNpgsql(services.GetRequiredService<NpgsqlDataSource>())));
        builder.EnrichNpgsqlDbContext<ChatDbContext>();
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

    internal static void Configure(DbContextOptionsBuilder options) => options.UseSnakeCaseNamingConvention();
}
