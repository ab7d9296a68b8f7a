using System.ComponentModel.DataAnnotations;

namespace Chat.Api.Keys;

// Keys travel as base64url (no padding): a P-256 public key is its uncompressed point (65 bytes), a signature is
// IEEE P1363 r||s (64 bytes). docs/e2ee.md has the byte layouts.

public sealed record SignedPrekeyDto(int KeyId, string PublicKey, string Signature);

public sealed record PrekeyDto(int KeyId, string PublicKey);

/// <summary>Replaces the calling device's identity and signed prekey; one-time prekeys given here are added.</summary>
public sealed record PublishKeysRequest(
    [property: Required] string IdentityKey,
    [property: Required] string SigningKey,
    [property: Required] SignedPrekeyDto SignedPrekey,
    IReadOnlyList<PrekeyDto>? OneTimePrekeys);

public sealed record AddPrekeysRequest([property: Required, MinLength(1)] IReadOnlyList<PrekeyDto> OneTimePrekeys);

/// <summary>How many one-time prekeys the calling device has left on the server.</summary>
public sealed record PrekeyCount(int Remaining);

/// <summary>One device's keys; <c>oneTimePrekey</c> is null when the device has none left (use the signed prekey alone).</summary>
public sealed record KeyBundle(Guid DeviceId, string IdentityKey, string SigningKey, SignedPrekeyDto SignedPrekey, PrekeyDto? OneTimePrekey);

public sealed record UserKeys(Guid UserId, IReadOnlyList<KeyBundle> Devices);
