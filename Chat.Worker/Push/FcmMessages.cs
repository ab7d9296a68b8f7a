using System.Text.Json.Nodes;

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
