using Chat.Api.Realtime;

namespace Chat.Tests.Api;

[Trait("Category", "Unit")]
public sealed class RealtimeRegionTests
{
    private static readonly RealtimeRegionOptions Regions = new()
    {
        DefaultRegion = "eu",
        Regions =
        [
            new() { Name = "eu", Url = "https://eu.chat.example.com/hubs/chat", Hints = ["DE", "FR"] },
            new() { Name = "us", Url = "https://us.chat.example.com/hubs/chat", Hints = ["US", "CA"] },
        ],
    };

    [Theory]
    [InlineData("US", "us")]
    [InlineData("ca", "us")]
    [InlineData(" DE ", "eu")]
    [InlineData("us", "us")]
    [InlineData("JP", "eu")]
    [InlineData("", "eu")]
    [InlineData(null, "eu")]
    public void A_hint_picks_the_region_that_serves_it_and_anything_else_the_default(string? hint, string region)
    {
        Assert.Equal(region, Regions.Pick(hint).Name);
    }

    [Fact]
    public void A_default_region_that_is_not_listed_is_refused_at_start_up()
    {
        var options = new RealtimeRegionOptions { DefaultRegion = "ap", Regions = Regions.Regions };
        var errors = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).ToList();
        Assert.Contains(errors, e => e.MemberNames.Contains(nameof(RealtimeRegionOptions.DefaultRegion)));
    }
}
