namespace Chat.AppHost.Servers;

/// <summary>How Redis and PostgreSQL run. Set with <c>Chat:Servers</c> (environment: <c>Chat__Servers</c>).</summary>
public enum ServerMode
{
    /// <summary>Containers when a container runtime answers, local executables otherwise.</summary>
    Auto,

    /// <summary>Aspire's own Redis and PostgreSQL container resources with persistent volumes.</summary>
    Containers,

    /// <summary>The locally installed <c>redis-server</c> and PostgreSQL binaries as executable resources.</summary>
    Executables,
}
