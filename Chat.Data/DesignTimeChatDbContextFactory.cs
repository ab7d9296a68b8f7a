using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Chat.Data;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without starting a service; it never connects.</summary>
internal sealed class DesignTimeChatDbContextFactory : IDesignTimeDbContextFactory<ChatDbContext>
{
    public ChatDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<ChatDbContext>().UseNpgsql("Host=design-time");
        ChatDatabaseExtensions.Configure(options);
        return new ChatDbContext(options.Options);
    }
}
