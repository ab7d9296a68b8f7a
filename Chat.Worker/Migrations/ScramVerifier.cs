using System.Security.Cryptography;
using System.Text;

namespace Chat.Worker.Migrations;

/// <summary>
/// A password as PostgreSQL stores it for SCRAM-SHA-256 (RFC 5802, 7677), made here so that the statement setting
/// a role's password carries no password: statement texts reach traces, error logs and the server's log. As psql's
/// \password does. Written by hand: Npgsql has the client side of SCRAM only.
/// </summary>
public static class ScramVerifier
{
    private const int Iterations = 4096;

    public static string For(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Iterations, HashAlgorithmName.SHA256, 32);
        var storedKey = SHA256.HashData(HMACSHA256.HashData(salted, "Client Key"u8));
        var serverKey = HMACSHA256.HashData(salted, "Server Key"u8);
        return $"SCRAM-SHA-256${Iterations}:{Convert.ToBase64String(salt)}${Convert.ToBase64String(storedKey)}:{Convert.ToBase64String(serverKey)}";
    }
}
