using Chat.Data.Conversations;

namespace Chat.Messaging.Messages;

/// <summary>
/// A message kind has one form, <see cref="MessageKind"/>; on the wire it is the member's name in lower case
/// ("text", "edit", "delete"), spelled here and nowhere else.
/// </summary>
public static class MessageKindNames
{
    private static readonly Dictionary<MessageKind, string> Names =
        Enum.GetValues<MessageKind>().ToDictionary(kind => kind, kind => kind.ToString().ToLowerInvariant());

    public static string WireName(this MessageKind kind) =>
        Names.TryGetValue(kind, out var name) ? name : throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
}
