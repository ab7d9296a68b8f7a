using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Chat.Api.Conversations;

/// <summary>
/// Where a page of the conversation list ended: the last conversation's activity time and id, opaque to clients.
/// Keyset paging: a page is as cheap at the end of a long list as at its start.
/// </summary>
public readonly record struct ConversationCursor(DateTimeOffset LastActivityAt, Guid Id)
{
    public override string ToString() =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{LastActivityAt.UtcTicks.ToString(CultureInfo.InvariantCulture)}:{Id:N}"));

    public static bool TryParse(string? text, out ConversationCursor cursor)
    {
        cursor = default;
        if (text is null || text.Length > 128 || !Base64Url.IsValid(text))
        {
            return false;
        }

        var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(text)).Split(':');
        if (parts.Length != 2
            || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks
            || !Guid.TryParseExact(parts[1], "N", out var id))
        {
            return false;
        }

        cursor = new ConversationCursor(new DateTimeOffset(ticks, TimeSpan.Zero), id);
        return true;
    }
}
