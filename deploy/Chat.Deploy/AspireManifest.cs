using System.Text.Json.Nodes;

namespace Chat.Deploy;

/// <summary>The Aspire manifest (aspire-manifest.json) that <c>dotnet run --project Chat.AppHost -- --publisher manifest</c> writes.</summary>
public sealed class AspireManifest(string directory, IReadOnlyDictionary<string, JsonObject> resources)
{
    /// <summary>The manifest's folder: project paths in it are relative to it.</summary>
    public string Directory { get; } = directory;

    public IReadOnlyDictionary<string, JsonObject> Resources { get; } = resources;

    public static AspireManifest Load(string path)
    {
        var root = JsonNode.Parse(File.ReadAllText(path))?["resources"]?.AsObject()
            ?? throw new InvalidDataException($"{path} has no \"resources\".");
        var resources = root.ToDictionary(r => r.Key, r => r.Value!.AsObject());
        return new AspireManifest(Path.GetDirectoryName(Path.GetFullPath(path))!, resources);
    }

    public IEnumerable<string> OfType(string type) => Resources.Where(r => Type(r.Key) == type).Select(r => r.Key);

    public string Type(string resource) => (string)Resources[resource]["type"]!;

    public JsonObject Resource(string name) =>
        Resources.TryGetValue(name, out var resource) ? resource : throw new InvalidDataException($"The manifest has no resource '{name}'.");

    public static IEnumerable<KeyValuePair<string, string>> Strings(JsonNode? node) =>
        node?.AsObject().Select(p => KeyValuePair.Create(p.Key, (string)p.Value!)) ?? [];

    public static IEnumerable<string> List(JsonNode? node) =>
        node?.AsArray().Select(n => (string)n!) ?? [];

    public bool IsSecret(string parameter) => Resource(parameter)["inputs"]?["value"]?["secret"]?.GetValue<bool>() ?? false;

    /// <summary>The value the AppHost published as the parameter's default, if any.</summary>
    public string? DefaultValue(string parameter) => (string?)Resource(parameter)["inputs"]?["value"]?["default"]?["value"];

    /// <summary>The length of the random value the AppHost generates for the parameter, if it generates one.</summary>
    public int? GeneratedLength(string parameter) =>
        Resource(parameter)["inputs"]?["value"]?["default"]?["generate"]?["minLength"]?.GetValue<int>();
}
