namespace Chat.Client.Crypto;

/// <summary>One recipient device's published keys as the key directory hands them (one-time prekey optional).</summary>
public sealed record PrekeyBundle(
    Guid DeviceId,
    byte[] IdentityKey,
    byte[] SigningKey,
    uint SignedPrekeyId,
    byte[] SignedPrekey,
    byte[] SignedPrekeySignature,
    uint? OneTimePrekeyId,
    byte[]? OneTimePrekey);
