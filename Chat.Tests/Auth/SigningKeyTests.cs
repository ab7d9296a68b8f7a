using System.Security.Cryptography;
using System.Text;
using Chat.Api.Auth;

namespace Chat.Tests.Auth;

/// <summary>The access tokens' key: a PEM key as the AppHost makes it, or one derived from a generated secret, as aspirate gives.</summary>
[Trait("Category", "Unit")]
public sealed class SigningKeyTests
{
    [Fact]
    public void A_secret_of_22_characters_or_more_derives_the_same_P256_key_on_every_replica()
    {
        const string secret = "Zq8v1XkR2mT9wYbN4cLp0s";
        Assert.True(AccessTokenSigningKey.TryImport(secret, out var first));
        Assert.True(AccessTokenSigningKey.TryImport(secret, out var second));
        Assert.Equal(256, first.KeySize);
        Assert.Equal(first.ExportSubjectPublicKeyInfo(), second.ExportSubjectPublicKeyInfo());

        var data = Encoding.UTF8.GetBytes("header.payload");
        Assert.True(second.VerifyData(data, first.SignData(data, HashAlgorithmName.SHA256), HashAlgorithmName.SHA256));
        Assert.True(AccessTokenSigningKey.TryImport(secret + "x", out var other));
        Assert.NotEqual(first.ExportSubjectPublicKeyInfo(), other.ExportSubjectPublicKeyInfo());
    }

    [Fact]
    public void A_PEM_key_is_taken_as_it_is_and_a_short_or_malformed_value_is_refused()
    {
        using var generated = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.True(AccessTokenSigningKey.TryImport(generated.ExportPkcs8PrivateKeyPem(), out var imported));
        Assert.Equal(generated.ExportSubjectPublicKeyInfo(), imported.ExportSubjectPublicKeyInfo());

        Assert.False(AccessTokenSigningKey.TryImport("too short a secret", out _));
        Assert.False(AccessTokenSigningKey.TryImport("-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----", out _));
        Assert.False(new AccessTokenSigningOptions { SigningKey = "too short a secret" }.Validate(new(new object())).ToList() is []);
    }
}
