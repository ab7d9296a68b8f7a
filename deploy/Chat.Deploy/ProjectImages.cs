using System.Xml.Linq;

namespace Chat.Deploy;

/// <summary>
/// The image a project resource runs: the <c>ContainerRepository</c> and <c>ContainerImageTag</c> that its project
/// file gives to <c>dotnet publish /t:PublishContainer</c>, so the manifests name exactly what the SDK builds.
/// </summary>
public static class ProjectImages
{
    public static string For(AspireManifest manifest, string resource)
    {
        var projectPath = Path.GetFullPath(Path.Combine(manifest.Directory, (string)manifest.Resource(resource)["path"]!));
        var properties = XDocument.Load(projectPath).Descendants().Where(e => e.Parent?.Name.LocalName == "PropertyGroup").ToList();
        string Property(string name) => properties.FirstOrDefault(p => p.Name.LocalName == name)?.Value
            ?? throw new InvalidDataException($"{projectPath} sets no {name}; the image name must come from the project.");
        return $"{Property("ContainerRepository")}:{Property("ContainerImageTag")}";
    }
}
