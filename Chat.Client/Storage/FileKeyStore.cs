using System.Text.RegularExpressions;

namespace Chat.Client.Storage;

/// <summary>
/// The default store: one file per name (0600) in a directory only its owner may open (0700 on Unix). A write goes
/// to a temporary file, flushed to the disk, that then replaces the old one, so a crash leaves the old value or the
/// new one. (The rename itself is made durable by the file system's journal, not by a flush of the directory.)
/// </summary>
public sealed partial class FileKeyStore : IKeyStore
{
    private readonly string _directory;

    public FileKeyStore(string directory)
    {
        _directory = directory;
        Directory.CreateDirectory(directory);
        if (!OperatingSystem.IsWindows())
        {
            // Set every time, not only when created: a directory made by something else may be open to others.
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
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
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var file = new FileStream(temporary, options))
        {
            await file.WriteAsync(System.Text.Encoding.UTF8.GetBytes(value), cancellationToken);

            // On the disk before it replaces the old value: a sender key must not come back older after a power loss.
            file.Flush(flushToDisk: true);
        }

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
