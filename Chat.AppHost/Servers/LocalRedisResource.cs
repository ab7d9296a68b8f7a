namespace Chat.AppHost.Servers;

/// <summary>The locally installed <c>redis-server</c>, run through <c>Servers/redis.sh</c>.</summary>
public sealed class LocalRedisResource(string name, string workingDirectory, ParameterResource password)
    : ExecutableResource(name, "bash", workingDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";

    public ParameterResource PasswordParameter { get; } = password;

    public EndpointReference PrimaryEndpoint => new(this, EndpointName);

    /// <summary>The same shape as Aspire's container Redis, so clients cannot tell the modes apart.</summary>
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.HostAndPort)},password={PasswordParameter}");
}
