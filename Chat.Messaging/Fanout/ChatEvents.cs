namespace Chat.Messaging.Fanout;

/// <summary>The names of the events the server sends; docs/protocol.md describes each.</summary>
public static class ChatEvents
{
    public const string Message = "message";
    public const string Receipt = "receipt";
    public const string Typing = "typing";
    public const string Presence = "presence";
    public const string PrekeysLow = "prekeysLow";
    public const string Devices = "devices";
    public const string DeviceMessage = "deviceMessage";
    public const string Call = "call";
    public const string CallSignal = "callSignal";
    public const string Invitation = "invitation";
}
