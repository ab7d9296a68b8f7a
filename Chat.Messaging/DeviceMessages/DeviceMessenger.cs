using System.Diagnostics;
using Chat.Messaging.Errors;
using Chat.Messaging.Fanout;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Chat.Messaging.DeviceMessages;

/// <summary>
/// The one path of envelopes addressed to single devices, for the hub and the REST API alike: check, store, then
/// hand each stored envelope to its device's live connections. A device that is offline, or misses the live event
/// (its node died), gets the envelope from its next device Sync: it stays stored until the device acknowledges it.
/// </summary>
public sealed partial class DeviceMessenger(DeviceMessageStore store, UserEventFanout userEvents, ILogger<DeviceMessenger> logger)
{
    public async Task<Outcome<DeviceSendAck>> SendAsync(Guid senderId, Guid senderDeviceId, SendToDevicesRequest request, CancellationToken cancellationToken)
    {
        if (DeviceMessageRules.Check(request, senderDeviceId) is { } refused)
        {
            return refused;
        }

        using var activity = MessagingTelemetry.Source.StartActivity("send device message", ActivityKind.Producer);
        activity?.SetTag("chat.envelopes", request.Envelopes!.Count);
        var (result, error) = await store.SendAsync(senderId, senderDeviceId, request, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        try
        {
            await Task.WhenAll(result.Stored.Select(m => userEvents.PublishAsync(ChatEvents.DeviceMessage, m.Event, [m.UserId], device: m.DeviceId)));
        }
        catch (RedisException e)
        {
            // Stored is what the acknowledgement promises; the devices read what the live path missed at their next Sync.
            LogPublishFailed(e, result.Stored.Count);
        }

        return result.Ack;
    }

    public async Task<Outcome<DeviceMessagePage>> SyncAsync(Guid deviceId, DeviceSyncRequest request, CancellationToken cancellationToken) =>
        DeviceMessageRules.Check(request) is { } refused
            ? refused
            : await store.PageAsync(deviceId, request.After, request.Limit ?? DeviceMessageRules.DefaultPageSize, cancellationToken);

    public async Task<Outcome<int>> AcknowledgeAsync(Guid deviceId, AckDeviceMessagesRequest request, CancellationToken cancellationToken) =>
        DeviceMessageRules.Check(request) is { } refused ? refused : await store.AcknowledgeAsync(deviceId, request.UpTo!.Value, cancellationToken);

    [LoggerMessage(1, LogLevel.Warning, "Publishing {Count} stored device messages failed; their devices get them by device Sync")]
    private partial void LogPublishFailed(Exception exception, int count);
}
