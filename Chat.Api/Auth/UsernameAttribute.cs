using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;

namespace Chat.Api.Auth;

/// <summary><see cref="UsernameRule.Pattern"/>, applied to the composed (NFC) form the username is stored in.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed partial class UsernameAttribute() : ValidationAttribute(UsernameRule.Message)
{
    public override bool IsValid(object? value) => value is not string username || Pattern().IsMatch(UsernameRule.Compose(username));

    [GeneratedRegex(UsernameRule.Pattern)]
    private static partial Regex Pattern();
}
