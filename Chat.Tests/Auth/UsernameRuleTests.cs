using System.Text.RegularExpressions;
using Chat.Api.Auth;

namespace Chat.Tests.Auth;

[Trait("Category", "Unit")]
public sealed class UsernameRuleTests
{
    [Theory]
    [InlineData("abc", true)]
    [InlineData("Zoë_o.k-1", true)]
    [InlineData("ab", false)]
    [InlineData("a b c", false)]
    [InlineData("semi;colon", false)]
    [InlineData("abcdefghijabcdefghijabcdefghij12", true)]
    [InlineData("abcdefghijabcdefghijabcdefghij123", false)]
    public void Pattern_allows_3_to_32_letters_digits_and_separators(string username, bool valid) =>
        Assert.Equal(valid, Regex.IsMatch(username, UsernameRule.Pattern));

    [Fact]
    public void Normalization_ignores_case_and_unicode_composition() =>
        Assert.Equal(UsernameRule.Normalize("zoe\u0308"), UsernameRule.Normalize("ZOË"));
}
