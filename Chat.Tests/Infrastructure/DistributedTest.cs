namespace Chat.Tests.Infrastructure;

/// <summary>Base of every test that needs the running system: it starts the shared AppHost if no test has yet.</summary>
[Trait("Category", "Distributed")]
public abstract class DistributedTest(ChatApp chat) : IAsyncLifetime
{
    protected ChatApp Chat => chat;

    public virtual async ValueTask InitializeAsync() => await chat.EnsureStartedAsync();

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
