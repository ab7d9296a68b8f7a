using Npgsql;
using Polly;
using Polly.Retry;

namespace Chat.Messaging;

/// <summary>
/// Runs a hand-written statement again when it failed for a transient reason. A restart of PostgreSQL does not
/// clear Npgsql's pool (npgsql/npgsql#5073): each pooled connection it broke fails on its first use after it, and
/// EF Core's retrying strategy covers only EF's own queries. For reads, and for writes that are safe to repeat.
/// </summary>
public static class TransientPostgres
{
    public static ResiliencePipeline Retry { get; } = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<NpgsqlException>(e => e.IsTransient),
            MaxRetryAttempts = 2,
            BackoffType = DelayBackoffType.Linear,
            Delay = TimeSpan.FromMilliseconds(100),
        })
        .Build();

    /// <summary>Runs <paramref name="read"/>, again after a transient failure, through <see cref="Retry"/>.</summary>
    public static Task<T> ReadAsync<T>(Func<CancellationToken, Task<T>> read, CancellationToken cancellationToken) =>
        Retry.ExecuteAsync(async token => await read(token), cancellationToken).AsTask();
}
