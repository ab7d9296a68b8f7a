using System.Security.Claims;
using System.Text;
using Aspire.Hosting.ApplicationModel;
using Chat.Api.Auth;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Chat.Tests.Infrastructure;

/// <summary>Signs tokens with the AppHost's real signing key, to show that validity is more than a good signature.</summary>
public static class TokenMint
{
    public static async Task<string> SignAsync(ChatApp chat, Guid userId, Guid deviceId, DateTime notBefore, DateTime expires)
    {
        var model = chat.App.Services.GetRequiredService<DistributedApplicationModel>();
        var key = await model.Resources.OfType<ParameterResource>().Single(p => p.Name == "jwt-private-key")
            .GetValueAsync(TestContext.Current.CancellationToken);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "chat",
            Audience = "chat",
            IssuedAt = notBefore,
            NotBefore = notBefore,
            Expires = expires,
            SigningCredentials = new SigningCredentials(AccessTokenSigningKey.FromPem(key!).PrivateKey, SecurityAlgorithms.EcdsaSha256),
            Subject = new ClaimsIdentity([new Claim("sub", userId.ToString()), new Claim("did", deviceId.ToString()), new Claim("name", "minted")]),
        });
    }

    /// <summary>Changes the payload of a real token and keeps its signature, as an attacker would try.</summary>
    public static string Tamper(string token, Guid otherUserId)
    {
        var parts = token.Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1]));
        var forged = System.Text.RegularExpressions.Regex.Replace(payload, "\"sub\":\"[^\"]+\"", $"\"sub\":\"{otherUserId}\"");
        Assert.NotEqual(payload, forged);
        return $"{parts[0]}.{Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(forged))}.{parts[2]}";
    }
}
