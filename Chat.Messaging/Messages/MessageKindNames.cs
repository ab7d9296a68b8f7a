using Chat.Data.Conversations;

namespace Chat.Messaging.Messages;

/// <summary>
/// A message kind has one form in code, <see cref="MessageKind"/>; its name on the wire is spelled here and nowhere
/// else, apart from the member's name so that renaming a member cannot change the protocol.
/// </summary>
public static class MessageKindNames
{
    public static string WireName(this MessageKind kind) => kind switch
    {
        MessageKind.Text => "text",
        MessageKind.Edit => "edit",
        MessageKind.Delete => "delete",
        MessageKind.MemberAdded => "memberAdded",
        MessageKind.MemberRemoved => "memberRemoved",
        MessageKind.MemberLeft => "memberLeft",
        MessageKind.Call => "call",
        MessageKind.Attachment => "attachment",
        MessageKind.RoleChanged => "roleChanged",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
