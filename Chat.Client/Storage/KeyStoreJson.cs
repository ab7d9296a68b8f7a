using System.Text.Json;

namespace Chat.Client.Storage;

/// <summary>Typed values in a key store, as JSON (byte arrays as base64).</summary>
public static class KeyStoreJson
{
    public static async Task<T?> GetAsync<T>(this IKeyStore store, string name, CancellationToken cancellationToken = default) where T : class =>
        await store.ReadAsync(name, cancellationToken) is { } json ? JsonSerializer.Deserialize<T>(json, JsonSerializerOptions.Web) : null;

    public static Task PutAsync<T>(this IKeyStore store, string name, T value, CancellationToken cancellationToken = default) =>
        store.WriteAsync(name, JsonSerializer.Serialize(value, JsonSerializerOptions.Web), cancellationToken);
}
