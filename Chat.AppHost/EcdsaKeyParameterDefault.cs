using System.Security.Cryptography;
using Aspire.Hosting.Publishing;

namespace Chat.AppHost;

/// <summary>
/// A new ECDSA P-256 private key (PKCS#8 PEM) as a parameter's default. Persisted in the AppHost's user secrets
/// like any generated parameter, so tokens outlive a restart. The local run only: a published manifest asks for a
/// generated secret instead, which the API derives its key from (docs/deploy.md).
/// </summary>
public sealed class EcdsaKeyParameterDefault : ParameterDefault
{
    public override string GetDefaultValue()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return key.ExportPkcs8PrivateKeyPem();
    }

    /// <summary>Never published (see the AppHost): nothing to write.</summary>
    public override void WriteToManifest(ManifestPublishingContext context)
    {
    }
}
