using System.Text.RegularExpressions;

namespace Chat.Client.Storage;

/// <summary>
/// The default store: one file per name in a directory only its owner may read (0700 on Unix). A write goes to a
/// temporary file that then replaces the old one, so a crash leaves the old value or the new one.
/// </summary>
public sealed partial class FileKeyStore : IKeyStore
{
    private readonly string _directory;

    public FileKeyStore(string directory)
    {
        _directory = directory;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    public async Task<string?> ReadAsync(string name, CancellationToken cancellationToken = default)
    {
        var path = PathOf(name);
        return File.Exists(path) ? await File.ReadAllTextAsync(path, cancellationToken) : null;
    }

    public async Task WriteAsync(string name, string value, CancellationToken cancellationToken = default)
    {
        var path = PathOf(name);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        await File.WriteAllTextAsync(temporary, value, cancellationToken);
        File.Move(temporary, path, overwrite: true);
    }

    public Task DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        File.Delete(PathOf(name));
        return Task.CompletedTask;
    }

    private string PathOf(string name) =>
        ValidName().IsMatch(name) ? Path.Combine(_directory, name) : throw new ArgumentException($"'{name}' is not a key store name.", nameof(name));

    [GeneratedRegex("^[a-z0-9-]{1,128}$")]
    private static partial Regex ValidName();
}
