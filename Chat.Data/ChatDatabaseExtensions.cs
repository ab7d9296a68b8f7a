using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;

namespace Chat.Data;

public static class ChatDatabaseExtensions
{
    /// <summary>The AppHost's name for the database; its connection string arrives as <c>ConnectionStrings:chatdb</c>.</summary>
    public const string ConnectionName = "chatdb";

    /// <summary>Registers a pooled <see cref="ChatDbContext"/> with Aspire's health check, retries and telemetry.</summary>
    public static void AddChatDatabase(this IHostApplicationBuilder builder) =>
        builder.AddNpgsqlDbContext<ChatDbContext>(ConnectionName, configureDbContextOptions: Configure);

    internal static void Configure(DbContextOptionsBuilder options) => options.UseSnakeCaseNamingConvention();
}
