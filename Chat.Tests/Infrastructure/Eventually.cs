namespace Chat.Tests.Infrastructure;

/// <summary>Waiting for something the system does in the background, with a deadline and a message saying what was seen.</summary>
public static class Eventually
{
    public static async Task HoldsAsync(Func<bool> condition, TimeSpan timeout, Func<string> seen, TimeSpan? pollEvery = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, seen());
            await Task.Delay(pollEvery ?? TimeSpan.FromMilliseconds(20), TestContext.Current.CancellationToken);
        }
    }

    public static async Task HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> seen, TimeSpan? pollEvery = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, seen());
            await Task.Delay(pollEvery ?? TimeSpan.FromMilliseconds(100), TestContext.Current.CancellationToken);
        }
    }
}
