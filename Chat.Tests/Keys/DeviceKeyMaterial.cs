using System.Buffers.Text;
using System.Security.Cryptography;

namespace Chat.Tests.Keys;

/// <summary>A device's key pairs as a client makes them (.NET's BCL, as WebCrypto would): the private halves stay here.</summary>
public sealed class DeviceKeyMaterial : IDisposable
{
    private readonly ECDiffieHellman _identity = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _signing = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDiffieHellman _signedPrekey = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);

    public string IdentityKey => Raw(_identity.ExportParameters(false));
    public string SigningKey => Raw(_signing.ExportParameters(false));
    public string SignedPrekey => Raw(_signedPrekey.ExportParameters(false));

    public string SignedPrekeySignature =>
        Base64Url.EncodeToString(_signing.SignData(Base64Url.DecodeFromChars(SignedPrekey), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));

    public object PublishRequest(int oneTimePrekeys, int firstKeyId = 1, string? signature = null) => new
    {
        identityKey = IdentityKey,
        signingKey = SigningKey,
        signedPrekey = new { keyId = 1, publicKey = SignedPrekey, signature = signature ?? SignedPrekeySignature },
        oneTimePrekeys = Prekeys(oneTimePrekeys, firstKeyId),
    };

    public static object[] Prekeys(int count, int firstKeyId = 1) =>
        Enumerable.Range(firstKeyId, count).Select(id => (object)new { keyId = id, publicKey = NewPublicKey() }).ToArray();

    public static string NewPublicKey()
    {
        using var key = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        return Raw(key.ExportParameters(false));
    }

    /// <summary>Whether a bundle's signed prekey carries a valid signature by its signing key, as a sender checks.</summary>
    public static bool SignatureVerifies(string signingKey, string signedPrekey, string signature)
    {
        var point = Base64Url.DecodeFromChars(signingKey);
        using var key = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = point[1..33], Y = point[33..] } });
        return key.VerifyData(Base64Url.DecodeFromChars(signedPrekey), Base64Url.DecodeFromChars(signature), HashAlgorithmName.SHA256,
            DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    private static string Raw(ECParameters parameters) => Base64Url.EncodeToString([0x04, .. parameters.Q.X!, .. parameters.Q.Y!]);

    public void Dispose()
    {
        _identity.Dispose();
        _signing.Dispose();
        _signedPrekey.Dispose();
    }
}
