using System.Buffers.Text;
using Chat.Client.Crypto;

namespace Chat.Client.Api;

// The REST API's shapes a client needs (docs/protocol.md); byte strings travel as base64url without padding.

public sealed record TokenPair(Guid UserId, Guid DeviceId, string AccessToken, string RefreshToken, int ExpiresIn);

public sealed record SignedPrekeyJson(uint KeyId, string PublicKey, string Signature);

public sealed record PrekeyJson(uint KeyId, string PublicKey);

public sealed record PublishKeysJson(string IdentityKey, string SigningKey, SignedPrekeyJson SignedPrekey, IReadOnlyList<PrekeyJson> OneTimePrekeys);

public sealed record KeyBundleJson(Guid DeviceId, string IdentityKey, string SigningKey, SignedPrekeyJson SignedPrekey, PrekeyJson? OneTimePrekey)
{
    /// <summary>The bundle's bytes, for opening a session.</summary>
    /// <exception cref="FormatException">A member is not base64url.</exception>
    public PrekeyBundle ToPrekeyBundle() => new(
        DeviceId,
        Base64Url.DecodeFromChars(IdentityKey),
        Base64Url.DecodeFromChars(SigningKey),
        SignedPrekey.KeyId,
        Base64Url.DecodeFromChars(SignedPrekey.PublicKey),
        Base64Url.DecodeFromChars(SignedPrekey.Signature),
        OneTimePrekey?.KeyId,
        OneTimePrekey is { } oneTime ? Base64Url.DecodeFromChars(oneTime.PublicKey) : null);
}

public sealed record UserKeysJson(Guid UserId, IReadOnlyList<KeyBundleJson> Devices);

public sealed record MemberJson(Guid UserId, string Role);

public sealed record ConversationJson(Guid Id, string Kind, string? Title, IReadOnlyList<MemberJson> Members, long LastSeq);

public sealed record EnvelopeJson(Guid UserId, Guid DeviceId, string Ciphertext);

public sealed record StaleDevicesJson(Guid UserId, IReadOnlyList<Guid> Missing, IReadOnlyList<Guid> Gone);
