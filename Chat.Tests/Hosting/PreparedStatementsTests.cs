using Chat.Data;
using Npgsql;

namespace Chat.Tests.Hosting;

[Trait("Category", "Unit")]
public sealed class PreparedStatementsTests
{
    [Fact]
    public void Repeated_statements_are_prepared_unless_the_connection_string_names_its_own_limit()
    {
        var plain = new NpgsqlDataSourceBuilder("Host=db;Username=chat_app");
        ChatDatabaseExtensions.PrepareRepeatedStatements(plain);
        Assert.Equal(128, plain.ConnectionStringBuilder.MaxAutoPrepare);
        Assert.Equal(2, plain.ConnectionStringBuilder.AutoPrepareMinUsages);

        // Turned off by an operator, in any spelling Npgsql accepts.
        var off = new NpgsqlDataSourceBuilder("Host=db;Username=chat_app;max auto prepare=0");
        ChatDatabaseExtensions.PrepareRepeatedStatements(off);
        Assert.Equal(0, off.ConnectionStringBuilder.MaxAutoPrepare);

        var own = new NpgsqlDataSourceBuilder("Host=db;Username=chat_app;Max Auto Prepare=20");
        ChatDatabaseExtensions.PrepareRepeatedStatements(own);
        Assert.Equal(20, own.ConnectionStringBuilder.MaxAutoPrepare);
    }
}
