using Chat.Api.RateLimiting;
using Chat.Data.Keys;
using Chat.ServiceDefaults.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using static Chat.Api.ApiProblems;

namespace Chat.Api.Keys;

/// <summary>The key directory of end-to-end encryption: devices publish public keys, senders fetch them (docs/e2ee.md).</summary>
public static class KeysApi
{
    public static IEndpointRouteBuilder MapKeysApi(this IEndpointRouteBuilder routes)
    {
        var mine = routes.MapGroup("/api/devices/current").WithTags("Keys").RequireAuthorization().RequireUserRateLimit();
        mine.MapPut("/keys", Publish).WithSummary("Publish the calling device's identity keys and signed prekey, and add one-time prekeys.");
        mine.MapPost("/prekeys", AddPrekeys).WithSummary("Add one-time prekeys to the calling device (at most 100 held).");
        mine.MapGet("/prekeys", CountPrekeys).WithSummary("How many one-time prekeys the calling device has left.");

        routes.MapGet("/api/users/{id:guid}/keys", Fetch).WithTags("Keys").RequireAuthorization().RequireKeyFetchRateLimit()
            .WithSummary("A key bundle per active device of the user, each with a one-time prekey taken for the caller while any is left (none with ?oneTimePrekeys=false).");
        return routes;
    }

    private static async Task<Results<NoContent, ValidationProblem>> Publish(
        PublishKeysRequest request, HttpContext context, KeyDirectory directory, TimeProvider time, CancellationToken cancellationToken)
    {
        var (userId, deviceId) = (context.User.GetUserId(), context.User.GetDeviceId());
        var identityKey = PublicKeyFormat.Point(request.IdentityKey);
        var signingKey = PublicKeyFormat.Point(request.SigningKey);
        var signedPrekey = PublicKeyFormat.Point(request.SignedPrekey?.PublicKey);
        var signature = PublicKeyFormat.Signature(request.SignedPrekey?.Signature);
        if (identityKey is null)
        {
            return Invalid("identityKey", Expected);
        }

        if (signingKey is null)
        {
            return Invalid("signingKey", Expected);
        }

        if (signedPrekey is null || request.SignedPrekey!.KeyId < 0)
        {
            return Invalid("signedPrekey.publicKey", Expected + " keyId is 0 or more.");
        }

        if (signature is null || !PublicKeyFormat.Verifies(signingKey, signedPrekey, signature))
        {
            return Invalid("signedPrekey.signature", "The signature must be ECDSA P-256 with SHA-256 by signingKey over the signed prekey's 65 bytes, 64 bytes (r||s) as base64url.");
        }

        if (Prekeys(deviceId, request.OneTimePrekeys ?? []) is not { } prekeys)
        {
            return Invalid("oneTimePrekeys", PrekeysRule);
        }

        var keys = new DeviceKeys
        {
            DeviceId = deviceId,
            UserId = userId,
            IdentityKey = identityKey,
            SigningKey = signingKey,
            SignedPrekeyId = request.SignedPrekey.KeyId,
            SignedPrekey = signedPrekey,
            SignedPrekeySignature = signature,
            UpdatedAt = time.GetUtcNow(),
        };
        // Prekeys first: a batch over the limit refuses the whole request before anything else changes.
        if (!await directory.AddPrekeysAsync(deviceId, prekeys, cancellationToken))
        {
            return Invalid("oneTimePrekeys", PrekeysRule);
        }

        await directory.PublishAsync(keys, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<PrekeyCount>, ValidationProblem>> AddPrekeys(
        AddPrekeysRequest request, HttpContext context, KeyDirectory directory, CancellationToken cancellationToken)
    {
        var deviceId = context.User.GetDeviceId();
        if (request.OneTimePrekeys is not { Count: > 0 } given || Prekeys(deviceId, given) is not { } prekeys
            || !await directory.AddPrekeysAsync(deviceId, prekeys, cancellationToken))
        {
            return Invalid("oneTimePrekeys", PrekeysRule);
        }

        return TypedResults.Ok(new PrekeyCount(await directory.CountPrekeysAsync(deviceId, cancellationToken)));
    }

    private static async Task<Ok<PrekeyCount>> CountPrekeys(HttpContext context, KeyDirectory directory, CancellationToken cancellationToken) =>
        TypedResults.Ok(new PrekeyCount(await directory.CountPrekeysAsync(context.User.GetDeviceId(), cancellationToken)));

    private static async Task<Ok<UserKeys>> Fetch(Guid id, KeyDirectory directory, CancellationToken cancellationToken, bool oneTimePrekeys = true) =>
        TypedResults.Ok(new UserKeys(id, await directory.FetchAsync(id, oneTimePrekeys, cancellationToken)));

    private const string Expected = "A P-256 public key: its uncompressed point (65 bytes, 0x04||X||Y) as base64url, on the curve.";

    private static readonly string PrekeysRule =
        $"At most {KeyDirectory.MaxOneTimePrekeys} one-time prekeys held per device, each {{keyId >= 0, unique, publicKey: a P-256 public key as base64url}}.";

    private static List<OneTimePrekey>? Prekeys(Guid deviceId, IReadOnlyList<PrekeyDto?> given)
    {
        if (given.Count > KeyDirectory.MaxOneTimePrekeys || given.Any(p => p is null || p.KeyId < 0) || given.Select(p => p!.KeyId).Distinct().Count() != given.Count)
        {
            return null;
        }

        var prekeys = new List<OneTimePrekey>();
        foreach (var prekey in given)
        {
            if (PublicKeyFormat.Point(prekey!.PublicKey) is not { } point)
            {
                return null;
            }

            prekeys.Add(new OneTimePrekey { DeviceId = deviceId, KeyId = prekey.KeyId, PublicKey = point });
        }

        return prekeys;
    }
}
