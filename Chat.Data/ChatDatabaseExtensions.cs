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
        builder.AddNpgsqlDataSource(ConnectionName, settings => settings.DisableHealthChecks = true);
        builder.Services.AddDbContextPool<ChatDbContext>((services, options) =>
            Configure(options.UseNpgsql(services.GetRequiredService<NpgsqlDataSource>())));
        builder.EnrichNpgsqlDbContext<ChatDbContext>();
    }

    internal static void Configure(DbContextOptionsBuilder options) => options.UseSnakeCaseNamingConvention();
}
