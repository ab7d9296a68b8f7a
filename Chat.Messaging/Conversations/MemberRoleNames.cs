using Chat.Data.Conversations;

namespace Chat.Messaging.Conversations;

/// <summary>A member role's name on the wire, spelled here once: in member lists and in <c>roleChanged</c> events.</summary>
public static class MemberRoleNames
{
    public static string WireName(this MemberRole role) => role switch
    {
        MemberRole.Member => "member",
        MemberRole.Admin => "admin",
        MemberRole.Owner => "owner",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, null),
    };
}
