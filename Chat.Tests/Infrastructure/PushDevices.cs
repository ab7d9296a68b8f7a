using System.Text.Json;
using Chat.Tests.Auth;

namespace Chat.Tests.Infrastructure;

/// <summary>Devices with push tokens, and waiting for what the FCM stub receives for them.</summary>
public static class PushDevices
{
    public static string Token(string name) => $"{name}-{Guid.NewGuid():N}";

    public static async Task<string> RegisterAsync(ChatApp chat, TokenPair device, string platform, string pushToken)
    {
        using var api = new ApiClient(chat, device.AccessToken);
        await ApiClient.ReadAsync<JsonElement>(await api.PostAsync("/api/devices", new { platform, pushToken }));
        return pushToken;
    }

    public static Task WaitForPushesAsync(ChatApp chat, string token, int count, TimeSpan? timeout = null) =>
        Eventually.HoldsAsync(() => chat.Fcm.For(token).Count >= count, timeout ?? TimeSpan.FromSeconds(20),
            () => $"{token} got {chat.Fcm.For(token).Count} of {count} pushes", TimeSpan.FromMilliseconds(50));
}
