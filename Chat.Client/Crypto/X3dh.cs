using System.Security.Cryptography;

namespace Chat.Client.Crypto;

/// <summary>
/// Signal's X3DH key agreement over P-256 (docs/e2ee.md): the initiator's identity and ephemeral keys against the
/// responder's identity key, signed prekey and, when one was handed out, one-time prekey.
/// </summary>
public static class X3dh
{
    /// <exception cref="CryptographicException">The signed prekey's signature does not verify, or a key is not on P-256.</exception>
    public static byte[] Initiate(AgreementKeyPair identity, AgreementKeyPair ephemeral, PrekeyBundle bundle)
    {
        if (!SigningKeyPair.Verifies(bundle.SigningKey, bundle.SignedPrekey, bundle.SignedPrekeySignature))
        {
            throw new CryptographicException("The signed prekey's signature does not verify.");
        }

        return Kdf.X3dh([
            .. identity.Agree(bundle.SignedPrekey),
            .. ephemeral.Agree(bundle.IdentityKey),
            .. ephemeral.Agree(bundle.SignedPrekey),
            .. bundle.OneTimePrekey is { } oneTime ? ephemeral.Agree(oneTime) : [],
        ]);
    }

    public static byte[] Respond(AgreementKeyPair identity, AgreementKeyPair signedPrekey, AgreementKeyPair? oneTimePrekey, byte[] initiatorIdentity, byte[] ephemeral) =>
        Kdf.X3dh([
            .. signedPrekey.Agree(initiatorIdentity),
            .. identity.Agree(ephemeral),
            .. signedPrekey.Agree(ephemeral),
            .. oneTimePrekey?.Agree(ephemeral) ?? [],
        ]);
}
