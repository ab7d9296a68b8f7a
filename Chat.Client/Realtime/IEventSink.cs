namespace Chat.Client.Realtime;

/// <summary>
/// What a <see cref="ChatConnection"/> hands on: each event once, in order, whatever reconnects happened. A method
/// that throws has not taken the event: it is handed on again at the next sync. Refuse an event for good (a
/// ciphertext that does not decrypt) by returning normally.
/// </summary>
public interface IEventSink
{
    /// <summary>Conversation events of other devices, in seq order per conversation, each once.</summary>
    Task OnMessageAsync(MessageEvent message);

    /// <summary>This device's envelopes, in device seq order, each once; acknowledged to the server after this returns.</summary>
    Task OnDeviceMessageAsync(DeviceMessageEvent message);

    /// <summary>A user's devices changed (live only: after a reconnect, assume any did).</summary>
    Task OnDevicesChangedAsync(Guid userId);

    /// <summary>The connection (re)started: events in between may have been missed, live ones such as <c>devices</c> for good.</summary>
    Task OnConnectedAsync();
}
