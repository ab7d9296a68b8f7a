using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Chat.Api.Validation;

/// <summary>
/// A name people read (a display name, a group title, a device name): no control characters, which PostgreSQL
/// refuses (NUL) or which hide or reorder what others see (bidirectional overrides and other format characters).
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class PlainTextAttribute() : ValidationAttribute("{0} may not contain control or formatting characters.")
{
    public override bool IsValid(object? value) =>
        value is not string text || !text.Any(c => char.IsControl(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format);
}
