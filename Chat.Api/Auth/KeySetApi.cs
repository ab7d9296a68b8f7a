using Chat.ServiceDefaults.Authentication;
using Microsoft.Extensions.Options;

namespace Chat.Api.Auth;

/// <summary>
/// The public half of the access-token key, where verifiers (the realtime nodes) read it, in the shape JWT
/// libraries fetch: an OpenID discovery document naming a JSON Web Key Set.
/// </summary>
public static class KeySetApi
{
    public const string DiscoveryPath = "/.well-known/openid-configuration";
    public const string KeySetPath = "/.well-known/jwks.json";

    public static IEndpointRouteBuilder MapKeySetApi(this IEndpointRouteBuilder routes)
    {
        var keys = routes.MapGroup("").WithTags("Auth").AllowAnonymous();
        keys.MapGet(DiscoveryPath, Discovery).WithSummary("Where the access tokens' public keys are published.");
        keys.MapGet(KeySetPath, KeySet).WithSummary("The access tokens' public keys (JWKS).");
        return routes;
    }

    private static IResult Discovery(HttpContext context, IOptions<JwtOptions> jwt) =>
        TypedResults.Json(new Dictionary<string, object>
        {
            ["issuer"] = jwt.Value.Issuer,
            ["jwks_uri"] = $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}{KeySetPath}",
            ["id_token_signing_alg_values_supported"] = new[] { "ES256" },
        });

    private static IResult KeySet(AccessTokenSigningKey key)
    {
        var jwk = key.PublicJwk;
        return TypedResults.Json(new
        {
            keys = new[] { new { kty = jwk.Kty, crv = jwk.Crv, x = jwk.X, y = jwk.Y, kid = jwk.Kid, alg = jwk.Alg, use = jwk.Use } },
        });
    }
}
