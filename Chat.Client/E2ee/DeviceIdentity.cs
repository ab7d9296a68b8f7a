using Chat.Client.Crypto;

namespace Chat.Client.E2ee;

/// <summary>A device's long-term private keys: they never leave its key store.</summary>
public sealed record DeviceIdentity(
    AgreementKeyPair IdentityKey,
    SigningKeyPair SigningKey,
    uint SignedPrekeyId,
    AgreementKeyPair SignedPrekey,
    byte[] SignedPrekeySignature,
    uint NextPrekeyId);
