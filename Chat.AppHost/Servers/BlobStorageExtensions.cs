namespace Chat.AppHost.Servers;

public static class BlobStorageExtensions
{
    /// <summary>
    /// Azure Blob Storage for attachments: Microsoft's emulator Azurite, as the npm package the install script
    /// puts in <c>Servers/azurite</c>, or as its image where a container runtime answers. In publish mode a secret
    /// connection string names a real account (docs/deploy.md). The services get <c>ConnectionStrings__{name}</c>
    /// either way.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddChatBlobStorage(
        this IDistributedApplicationBuilder builder, [ResourceName] string name, ServerMode mode)
    {
        if (builder.ExecutionContext.IsPublishMode)
        {
            return builder.AddConnectionString(name);
        }

        var key = builder.AddParameter($"{name}-account-key", new GenerateParameterDefault { MinLength = 64, Special = false }, secret: true, persist: true);
        var port = LocalServerPaths.FreePort();
        if (mode == ServerMode.Containers)
        {
            return builder.AddResource(new AzuriteContainerResource(name, key.Resource))
                .WithImage("azure-storage/azurite", "3.35.0").WithImageRegistry("mcr.microsoft.com")
                .WithEndpoint(AzuriteContainerResource.EndpointName, e => (e.UriScheme, e.Port, e.TargetPort) = ("http", port, 10000))
                .WithArgs("azurite-blob", "--blobHost", "0.0.0.0", "--blobPort", "10000", "--location", "/data", "--skipApiVersionCheck", "--disableTelemetry")
                .WithEnvironment("AZURITE_ACCOUNTS", ReferenceExpression.Create($"chat:{key}"))
                .WithVolume("chat-blobs", "/data");
        }

        return builder.AddResource(new LocalAzuriteResource(name, builder.AppHostDirectory, key.Resource))
            .WithEndpoint(LocalAzuriteResource.EndpointName, e => (e.UriScheme, e.Port, e.TargetPort, e.IsProxied) = ("http", port, port, false))
            .WithArgs(LocalServerPaths.Script(builder, "azurite.sh"), LocalServerPaths.DataDirectory(builder, name), port.ToString())
            .WithEnvironment("AZURITE_ACCOUNTS", ReferenceExpression.Create($"chat:{key}"));
    }

    /// <summary>The emulator's origin as browsers reach it (the same address its connection string names).</summary>
    public static ReferenceExpression Origin(IResourceBuilder<IResourceWithConnectionString> blobs) =>
        ReferenceExpression.Create($"http://127.0.0.1:{((IResourceWithEndpoints)blobs.Resource).GetEndpoint("http").Property(EndpointProperty.Port)}");

    /// <summary>
    /// A connection string in the form Azure.Storage.Blobs reads, for the emulator's one account, <c>chat</c>, at
    /// <paramref name="endpoint"/>; its key is a generated secret, not the emulator's well-known one.
    /// </summary>
    internal static ReferenceExpression ConnectionString(EndpointReference endpoint, ParameterResource key) =>
        // An IP address, not "localhost": Azure.Storage.Blobs reads the account from the path (the emulator's
        // style) only when the host is an IP address; with a host name it drops the path and asks for /container.
        ReferenceExpression.Create(
            $"DefaultEndpointsProtocol=http;AccountName=chat;AccountKey={key};BlobEndpoint=http://127.0.0.1:{endpoint.Property(EndpointProperty.Port)}/chat;");
}

/// <summary>Azurite from its npm package, run through <c>Servers/azurite.sh</c>.</summary>
public sealed class LocalAzuriteResource(string name, string workingDirectory, ParameterResource key)
    : ExecutableResource(name, "bash", workingDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "http";

    public ReferenceExpression ConnectionStringExpression => BlobStorageExtensions.ConnectionString(new EndpointReference(this, EndpointName), key);
}

/// <summary>Azurite's image.</summary>
public sealed class AzuriteContainerResource(string name, ParameterResource key) : ContainerResource(name), IResourceWithConnectionString
{
    public const string EndpointName = "http";

    public ReferenceExpression ConnectionStringExpression => BlobStorageExtensions.ConnectionString(new EndpointReference(this, EndpointName), key);
}
