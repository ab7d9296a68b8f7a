using System.Net;
using Chat.Tests.Auth;

namespace Chat.Tests.Infrastructure;

/// <summary>A freshly registered account with its first device's tokens; names are unique per test run.</summary>
public sealed record TestUser(string Username, string Password, TokenPair Tokens)
{
    public Guid Id => Tokens.UserId;

    public static string UniqueName(string prefix = "u") => $"{prefix}{Guid.NewGuid():N}"[..24];

    public static async Task<TestUser> RegisterAsync(ChatApp chat, string? username = null, string? displayName = null)
    {
        username ??= UniqueName();
        const string password = "correct horse battery";
        using var api = new ApiClient(chat);
        var tokens = await ApiClient.ReadAsync<TokenPair>(
            await api.PostAsync("/api/auth/register", new { username, password, displayName = displayName ?? $"Test {username}" }),
            HttpStatusCode.Created);
        return new TestUser(username, password, tokens);
    }

    public ApiClient Api(ChatApp chat) => new(chat, Tokens.AccessToken);

    /// <summary>Signs in another device of the same user.</summary>
    public async Task<TokenPair> LoginAsync(ChatApp chat, string deviceName = "second device")
    {
        using var api = new ApiClient(chat);
        return await ApiClient.ReadAsync<TokenPair>(await api.PostAsync("/api/auth/login", new { username = Username, password = Password, deviceName }));
    }
}
