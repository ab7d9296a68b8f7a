using Chat.Deploy;

// dotnet run --project deploy/Chat.Deploy -- <aspire-manifest.json> <output folder>
if (args is not [var manifestPath, var outputFolder])
{
    Console.Error.WriteLine("usage: Chat.Deploy <aspire-manifest.json> <output folder>");
    return 2;
}

var layout = new KustomizeLayout(AspireManifest.Load(manifestPath));
foreach (var (path, content) in layout.Files())
{
    var target = Path.Combine(outputFolder, path);
    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
    await File.WriteAllTextAsync(target, content);
}

foreach (var created in layout.CreateMissingSecrets(outputFolder))
{
    Console.WriteLine($"created {created}");
}

Console.WriteLine($"wrote {outputFolder}; render it with: kubectl kustomize {outputFolder}");
return 0;
