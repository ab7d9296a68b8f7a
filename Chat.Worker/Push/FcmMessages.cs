using System.Text.Json.Nodes;
using Chat.Messaging.Calls;

namespace Chat.Worker.Push;

/// <summary>
/// FCM HTTP v1 message bodies. They carry ids and counts only, never message content, which may be end-to-end
/// encrypted: the app fetches the message itself when it wakes.
/// </summary>
public static class FcmMessages
{
    public const string Title = "New message";

    /// <summary>An alert for a new message: high priority, collapsed per conversation, with the unread count as badge.</summary>
    public static JsonObject NewMessage(string token, Guid conversationId, Guid messageId, long badge) => new()
    {
        ["message"] = new JsonObject
        {
            ["token"] = token,
            ["notification"] = new JsonObject { ["title"] = Title },
            ["data"] = new JsonObject
            {
                ["type"] = "message",
                ["conversationId"] = conversationId.ToString(),
                ["messageId"] = messageId.ToString(),
                ["badge"] = badge.ToString(),
            },
            ["android"] = new JsonObject
            {
                ["priority"] = "HIGH",
                ["collapse_key"] = conversationId.ToString("N"),
                ["notification"] = new JsonObject { ["notification_count"] = badge },
            },
            ["apns"] = new JsonObject
            {
                ["headers"] = new JsonObject { ["apns-priority"] = "10", ["apns-collapse-id"] = conversationId.ToString("N") },
                ["payload"] = new JsonObject { ["aps"] = new JsonObject { ["badge"] = badge, ["sound"] = "default" } },
            },
        },
    };

    public const string CallTitle = "Incoming call";

    /// <summary>
    /// A ringing call: high priority, living no longer than the call rings (a late push must not ring), and no SDP:
    /// the app connects, and the node tells it the call's state. Android gets data only, so the app shows its own
    /// call screen; iOS, an alert.
    /// </summary>
    public static JsonObject IncomingCall(string token, CallView call, DateTimeOffset now)
    {
        var ringsFor = Math.Max(1, (int)Math.Ceiling((call.RingUntil - now).TotalSeconds));
        return new JsonObject
        {
            ["message"] = new JsonObject
            {
                ["token"] = token,
                ["data"] = new JsonObject
                {
                    ["type"] = "call",
                    ["callId"] = call.CallId.ToString(),
                    ["conversationId"] = call.ConversationId.ToString(),
                    ["callerId"] = call.CallerId.ToString(),
                    ["media"] = call.Media,
                },
                ["android"] = new JsonObject { ["priority"] = "HIGH", ["ttl"] = $"{ringsFor}s" },
                ["apns"] = new JsonObject
                {
                    ["headers"] = new JsonObject
                    {
                        ["apns-priority"] = "10",
                        ["apns-expiration"] = call.RingUntil.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
                        ["apns-collapse-id"] = call.CallId.ToString("N"),
                    },
                    ["payload"] = new JsonObject { ["aps"] = new JsonObject { ["alert"] = new JsonObject { ["title"] = CallTitle }, ["sound"] = "default" } },
                },
            },
        };
    }

    /// <summary>A silent, data-only badge update at normal priority: the user read something on another device.</summary>
    public static JsonObject BadgeUpdate(string token, Guid conversationId, long badge) => new()
    {
        ["message"] = new JsonObject
        {
            ["token"] = token,
            ["data"] = new JsonObject { ["type"] = "badge", ["conversationId"] = conversationId.ToString(), ["badge"] = badge.ToString() },
            ["android"] = new JsonObject { ["priority"] = "NORMAL" },
            ["apns"] = new JsonObject
            {
                ["headers"] = new JsonObject { ["apns-priority"] = "5", ["apns-push-type"] = "background" },
                ["payload"] = new JsonObject { ["aps"] = new JsonObject { ["badge"] = badge, ["content-available"] = 1 } },
            },
        },
    };
}
