using System.Buffers.Text;
using Chat.Client.Api;
using Chat.Client.Crypto;
using Chat.Client.Storage;

namespace Chat.Client.E2ee;

/// <summary>A device's own keys in its key store: the identity, the signed prekey, and the private halves of its one-time prekeys.</summary>
public sealed class DeviceKeyring(IKeyStore store)
{
    private const string IdentityName = "identity";

    public async Task<(DeviceIdentity Identity, bool Created)> LoadOrCreateAsync(CancellationToken cancellationToken = default)
    {
        if (await store.GetAsync<DeviceIdentity>(IdentityName, cancellationToken) is { } existing)
        {
            return (existing, false);
        }

        var signing = SigningKeyPair.Generate();
        var signedPrekey = AgreementKeyPair.Generate();
        var identity = new DeviceIdentity(AgreementKeyPair.Generate(), signing, 1, signedPrekey, signing.Sign(signedPrekey.PublicKey), 1);
        await store.PutAsync(IdentityName, identity, cancellationToken);
        return (identity, true);
    }

    /// <summary>New one-time prekeys: the private halves are stored before the public ones are returned for publishing.</summary>
    public async Task<List<PrekeyJson>> NewPrekeysAsync(int count, CancellationToken cancellationToken = default)
    {
        var (identity, _) = await LoadOrCreateAsync(cancellationToken);
        var prekeys = new List<PrekeyJson>(count);
        for (var i = 0; i < count; i++)
        {
            var id = identity.NextPrekeyId + (uint)i;
            var pair = AgreementKeyPair.Generate();
            await store.PutAsync(PrekeyName(id), pair, cancellationToken);
            prekeys.Add(new PrekeyJson(id, Base64Url.EncodeToString(pair.PublicKey)));
        }

        await store.PutAsync(IdentityName, identity with { NextPrekeyId = identity.NextPrekeyId + (uint)count }, cancellationToken);
        return prekeys;
    }

    public Task<AgreementKeyPair?> PrekeyAsync(uint id, CancellationToken cancellationToken = default) =>
        store.GetAsync<AgreementKeyPair>(PrekeyName(id), cancellationToken);

    /// <summary>A one-time prekey is used once: deleted as soon as the session it opened is stored.</summary>
    public Task DeletePrekeyAsync(uint id, CancellationToken cancellationToken = default) => store.DeleteAsync(PrekeyName(id), cancellationToken);

    public static PublishKeysJson PublishRequest(DeviceIdentity identity, IReadOnlyList<PrekeyJson> prekeys) => new(
        Base64Url.EncodeToString(identity.IdentityKey.PublicKey),
        Base64Url.EncodeToString(identity.SigningKey.PublicKey),
        new SignedPrekeyJson(identity.SignedPrekeyId, Base64Url.EncodeToString(identity.SignedPrekey.PublicKey), Base64Url.EncodeToString(identity.SignedPrekeySignature)),
        prekeys);

    private static string PrekeyName(uint id) => $"prekey-{id}";
}
