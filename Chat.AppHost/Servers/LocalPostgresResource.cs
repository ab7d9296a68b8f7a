namespace Chat.AppHost.Servers;

/// <summary>The locally installed PostgreSQL server, run through <c>Servers/postgres.sh</c>.</summary>
public sealed class LocalPostgresResource(string name, string workingDirectory, ParameterResource password)
    : ExecutableResource(name, "bash", workingDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";
    public const string UserName = "postgres";

    public ParameterResource PasswordParameter { get; } = password;

    public EndpointReference PrimaryEndpoint => new(this, EndpointName);

    /// <summary>The same shape as Aspire's container PostgreSQL.</summary>
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host={PrimaryEndpoint.Property(EndpointProperty.Host)};Port={PrimaryEndpoint.Property(EndpointProperty.Port)};Username={UserName};Password={PasswordParameter}");
}
