using System.ComponentModel;
using System.Diagnostics;
using Microsoft.Extensions.Configuration;

namespace Chat.AppHost.Servers;

internal static class ServerModeSelector
{
    public const string ConfigurationKey = "Chat:Servers";

    /// <summary>Publish mode always describes containers: a deployment never runs the developer's local binaries.</summary>
    public static ServerMode Select(IDistributedApplicationBuilder builder)
    {
        if (builder.ExecutionContext.IsPublishMode)
        {
            return ServerMode.Containers;
        }

        var configured = builder.Configuration.GetValue(ConfigurationKey, ServerMode.Auto);
        var mode = configured != ServerMode.Auto ? configured
            : ContainerRuntimeAnswers(builder.Configuration) ? ServerMode.Containers : ServerMode.Executables;

        Console.WriteLine($"Chat: Redis and PostgreSQL run as {mode.ToString().ToLowerInvariant()} ({ConfigurationKey}={configured}).");
        return mode;
    }

    /// <summary>Asks the runtime Aspire would use (<c>ASPIRE_CONTAINER_RUNTIME</c>, else docker) whether its engine is up.</summary>
    private static bool ContainerRuntimeAnswers(IConfiguration configuration)
    {
        var runtime = configuration["ASPIRE_CONTAINER_RUNTIME"] ?? "docker";
        try
        {
            using var info = Process.Start(new ProcessStartInfo(runtime, ["info", "--format", "{{.ServerVersion}}"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
            if (info is null)
            {
                return false;
            }

            if (!info.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                info.Kill(entireProcessTree: true);
                return false;
            }

            return info.ExitCode == 0;
        }
        catch (Win32Exception)
        {
            return false; // the runtime's client is not installed
        }
    }
}
