namespace Chat.Data.Keys;

/// <summary>A one-time ECDH prekey of a device: handed out once, to one fetcher, then gone.</summary>
public sealed class OneTimePrekey
{
    public Guid DeviceId { get; init; }
    public int KeyId { get; init; }
    public required byte[] PublicKey { get; init; }
}
