using System.Security.Claims;
using Chat.ServiceDefaults.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Chat.Api.Auth;

/// <summary>Signs access tokens (ES256); only the API issues them, and only the API holds the private key.</summary>
public sealed class AccessTokenIssuer(IOptions<JwtOptions> options, AccessTokenSigningKey key, TimeProvider time)
{
    private readonly JsonWebTokenHandler _handler = new();
    private readonly SigningCredentials _credentials = new(key.PrivateKey, SecurityAlgorithms.EcdsaSha256);

    public TimeSpan Lifetime => options.Value.AccessTokenLifetime;

    public string Issue(Guid userId, Guid deviceId, string username)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Value.Issuer,
            Audience = options.Value.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + Lifetime,
            SigningCredentials = _credentials,
            Subject = new ClaimsIdentity(
            [
                new Claim(ChatClaims.UserId, userId.ToString()),
                new Claim(ChatClaims.DeviceId, deviceId.ToString()),
                new Claim(ChatClaims.Username, username),
            ]),
        });
    }
}
