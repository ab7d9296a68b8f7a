using System.Security.Cryptography;
using System.Text;

namespace Chat.Api.Calls;

/// <summary>
/// Time-limited TURN credentials in coturn's REST-API form (draft-uberti-behave-turn-rest): the username is
/// <c>expiry:userId</c> (expiry in Unix seconds), the password the base64 of HMAC-SHA1(secret, username). The relay
/// recomputes the password from the username and refuses it once the expiry has passed; nothing is stored.
/// </summary>
public sealed record TurnCredentials(string Username, string Password, int Ttl, IReadOnlyList<string> Uris)
{
    public static TurnCredentials For(Guid userId, TurnOptions options, DateTimeOffset now)
    {
        var expiry = now + options.CredentialLifetime;
        var username = $"{expiry.ToUnixTimeSeconds()}:{userId}";
        var password = Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(options.Secret), Encoding.UTF8.GetBytes(username)));
        return new TurnCredentials(username, password, (int)options.CredentialLifetime.TotalSeconds, options.Uris);
    }
}
