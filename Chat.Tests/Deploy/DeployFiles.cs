using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Chat.Deploy;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Deploy;

/// <summary>Publishes the AppHost's manifest and renders Kustomize, as README's "Deploy" commands do.</summary>
internal static partial class DeployFiles
{
    public static string CommittedManifest => Path.Combine(RepositoryPaths.Root, "deploy", "aspire-manifest.json");
    public static string CommittedKubernetes => Path.Combine(RepositoryPaths.Root, "deploy", "k8s");

    /// <summary>Runs the built AppHost in publish mode and returns the manifest it writes.</summary>
    public static async Task<string> PublishManifestAsync(string folder)
    {
        var output = Path.Combine(folder, "aspire-manifest.json");
        // The AppHost's own build output (same configuration as the tests), with its runtime config and DCP paths.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var appHost = Path.Combine(RepositoryPaths.Root, "Chat.AppHost", "bin", configuration, "net10.0", "Chat.AppHost.dll");
        await RunAsync("dotnet", [appHost, "--publisher", "manifest", "--output-path", output], RepositoryPaths.Root);
        return output;
    }

    /// <summary>
    /// The manifest with what depends on where the checkout lives taken out: project paths (relative to the
    /// manifest's folder) and the volume names, which Aspire derives from the AppHost's path.
    /// </summary>
    public static string Normalized(string manifestPath)
    {
        var resources = JsonNode.Parse(File.ReadAllText(manifestPath))!["resources"]!.AsObject();
        foreach (var (_, resource) in resources)
        {
            if (resource!["path"] is { } path)
            {
                resource["path"] = Path.GetRelativePath(RepositoryPaths.Root, Path.Combine(Path.GetDirectoryName(manifestPath)!, (string)path!));
            }

            foreach (var volume in resource["volumes"]?.AsArray() ?? [])
            {
                volume!["name"] = VolumeHash().Replace((string)volume["name"]!, "-");
            }
        }

        return resources.ToJsonString();
    }

    /// <summary>Copies a generated layout to a scratch folder with secret files, and renders it with kubectl.</summary>
    public static async Task<string> RenderAsync(IReadOnlyDictionary<string, string> files, KustomizeLayout layout, string folder, string? overlay = null)
    {
        var k8s = Path.Combine(folder, "k8s");
        foreach (var (path, content) in files)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(k8s, path))!);
            await File.WriteAllTextAsync(Path.Combine(k8s, path), content);
        }

        _ = layout.CreateMissingSecrets(k8s).ToList();
        var target = k8s;
        if (overlay is not null)
        {
            target = Path.Combine(folder, "overlays", Path.GetFileName(overlay));
            Directory.CreateDirectory(target);
            foreach (var file in Directory.GetFiles(overlay))
            {
                File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
            }
        }

        return await RunAsync("kubectl", ["kustomize", target], folder);
    }

    private static async Task<string> RunAsync(string program, string[] arguments, string workingDirectory)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{await stderr}\n{await stdout}");
        return await stdout;
    }

    [GeneratedRegex("-[0-9a-f]{10}-")]
    private static partial Regex VolumeHash();
}
