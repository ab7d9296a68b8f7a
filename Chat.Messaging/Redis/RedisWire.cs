using System.Text.Json;
using System.Text.Json.Serialization;
using Chat.Messaging.DeviceMessages;
using Chat.Messaging.Devices;
using Chat.Messaging.Fanout;
using Chat.Messaging.Presence;
using Chat.Messaging.Receipts;
using StackExchange.Redis;

namespace Chat.Messaging.Redis;

/// <summary>
/// What crosses the Redis channels of <see cref="RedisNames"/>, written and read here only: JSON, web naming. A
/// message publication is an array of <see cref="FanoutEnvelope"/>; a user event is
/// <c>{event, payload, users, device, version}</c>.
/// </summary>
public static class RedisWire
{
    private sealed record UserEventJson(string Event, JsonElement Payload, IReadOnlyList<Guid> Users, Guid? Device = null, EventVersion? Version = null);

    public static byte[] WriteMessages(IReadOnlyList<FanoutEnvelope> batch) =>
        JsonSerializer.SerializeToUtf8Bytes(batch as FanoutEnvelope[] ?? batch.ToArray(), FanoutJsonContext.Default.FanoutEnvelopeArray);

    /// <exception cref="JsonException">The publication is not a message batch.</exception>
    public static IReadOnlyList<FanoutEnvelope> ReadMessages(RedisValue value) =>
        JsonSerializer.Deserialize((byte[])value!, FanoutJsonContext.Default.FanoutEnvelopeArray)
        ?? throw new JsonException("Empty fan-out publication.");

    public static byte[] WriteUserEvent<T>(string eventName, T payload, IReadOnlyList<Guid> users, Guid? device = null, EventVersion? version = null) =>
        JsonSerializer.SerializeToUtf8Bytes(
            new UserEventJson(eventName, JsonSerializer.SerializeToElement(payload, JsonSerializerOptions.Web), users, device, version),
            JsonSerializerOptions.Web);

    /// <exception cref="JsonException">The publication is not a user event.</exception>
    public static UserEvent ReadUserEvent(RedisValue value)
    {
        var envelope = JsonSerializer.Deserialize<UserEventJson>((byte[])value!, JsonSerializerOptions.Web)
            ?? throw new JsonException("Empty user event.");
        return new UserEvent(envelope.Event, envelope.Users, envelope.Payload, envelope.Device, envelope.Version);
    }

    /// <exception cref="JsonException">The payload is not one of this version's user events.</exception>
    internal static object ReadUserEventPayload(string eventName, JsonElement payload) => eventName switch
    {
        ChatEvents.Presence => payload.Deserialize<PresenceStatus>(JsonSerializerOptions.Web)!,
        ChatEvents.Typing => payload.Deserialize<TypingEvent>(JsonSerializerOptions.Web)!,
        ChatEvents.Receipt => payload.Deserialize<ReceiptEvent>(JsonSerializerOptions.Web)!,
        ChatEvents.PrekeysLow => payload.Deserialize<PrekeysLow>(JsonSerializerOptions.Web)!,
        ChatEvents.Devices => payload.Deserialize<DevicesChanged>(JsonSerializerOptions.Web)!,
        ChatEvents.DeviceMessage => payload.Deserialize<DeviceMessageEvent>(JsonSerializerOptions.Web)!,
        ChatEvents.Call => payload.Deserialize<Calls.CallEvent>(JsonSerializerOptions.Web)!,
        ChatEvents.CallSignal => payload.Deserialize<Calls.CallSignalEvent>(JsonSerializerOptions.Web)!,
        ChatEvents.Invitation => payload.Deserialize<Conversations.InvitationEvent>(JsonSerializerOptions.Web)!,
        _ => throw new JsonException($"Unknown user event '{eventName}'."),
    };

    /// <summary>A device revocation: the user's id and the device's, 16 bytes each.</summary>
    public static byte[] WriteDeviceRevocation(Guid userId, Guid deviceId) => [.. userId.ToByteArray(), .. deviceId.ToByteArray()];

    /// <returns>Null when the publication is not a device revocation.</returns>
    public static (Guid UserId, Guid DeviceId)? ReadDeviceRevocation(RedisValue value)
    {
        var bytes = (byte[]?)value;
        return bytes is { Length: 32 } ? (new Guid(bytes.AsSpan(0, 16)), new Guid(bytes.AsSpan(16))) : null;
    }

    /// <summary>A user's last-seen time as stored at <see cref="RedisNames.LastSeen"/>: Unix milliseconds.</summary>
    public static long WriteLastSeen(DateTimeOffset lastSeen) => lastSeen.ToUnixTimeMilliseconds();

    public static DateTimeOffset? ReadLastSeen(RedisValue value) => value.HasValue ? DateTimeOffset.FromUnixTimeMilliseconds((long)value) : null;
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(FanoutEnvelope[]))]
internal sealed partial class FanoutJsonContext : JsonSerializerContext;
