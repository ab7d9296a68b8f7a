namespace Chat.AppHost.Servers;

/// <summary>The locally installed coturn (<c>turnserver</c>), run through <c>Servers/turn.sh</c>.</summary>
public sealed class LocalTurnResource(string name, string workingDirectory) : ExecutableResource(name, "bash", workingDirectory)
{
    public const string EndpointName = "turn";
}
