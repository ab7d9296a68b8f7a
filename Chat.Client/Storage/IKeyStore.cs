namespace Chat.Client.Storage;

/// <summary>
/// Where a device keeps its private keys, sessions, sender keys and cursors: named values, written whole. They
/// never leave the device; the application decides where they live (a file, the platform's keychain, a database).
/// Names are lower-case letters, digits and '-'.
/// </summary>
public interface IKeyStore
{
    Task<string?> ReadAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Replaces the value whole: a reader sees the old value or the new one, never a mix.</summary>
    Task WriteAsync(string name, string value, CancellationToken cancellationToken = default);

    Task DeleteAsync(string name, CancellationToken cancellationToken = default);
}
