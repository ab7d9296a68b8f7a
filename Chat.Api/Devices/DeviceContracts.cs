using System.ComponentModel.DataAnnotations;

namespace Chat.Api.Devices;

public sealed record RegisterPushTokenRequest(
    [property: Required, AllowedValues("android", "ios", "web")] string Platform,
    [property: Required, MinLength(1), MaxLength(4096)] string PushToken);

public sealed record DeviceResponse(Guid Id, string Name, string? Platform, bool HasPushToken, bool IsCurrent, DateTimeOffset CreatedAt);
