namespace Chat.Data.Keys;

/// <summary>
/// A device's published public keys for end-to-end encryption (docs/e2ee.md): P-256 public keys as uncompressed
/// points (65 bytes, WebCrypto's "raw" form), the signature in IEEE P1363 form (64 bytes). The server never holds a
/// private key and cannot read what these keys protect.
/// </summary>
public sealed class DeviceKeys
{
    public Guid DeviceId { get; init; }
    public Guid UserId { get; init; }

    /// <summary>ECDH identity key, for key agreement.</summary>
    public required byte[] IdentityKey { get; set; }

    /// <summary>ECDSA identity key, which signs the signed prekey.</summary>
    public required byte[] SigningKey { get; set; }

    public int SignedPrekeyId { get; set; }
    public required byte[] SignedPrekey { get; set; }

    /// <summary>ECDSA-SHA256 by <see cref="SigningKey"/> over <see cref="SignedPrekey"/>'s 65 bytes.</summary>
    public required byte[] SignedPrekeySignature { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
