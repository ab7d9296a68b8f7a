namespace Chat.AppHost.Servers;

/// <summary>A database on the local PostgreSQL server; EF Core migrations create it on first start.</summary>
public sealed class LocalPostgresDatabaseResource(string name, string databaseName, LocalPostgresResource parent)
    : Resource(name), IResourceWithParent<LocalPostgresResource>, IResourceWithConnectionString
{
    public LocalPostgresResource Parent { get; } = parent;

    public string DatabaseName { get; } = databaseName;

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{Parent};Database={DatabaseName}");
}
