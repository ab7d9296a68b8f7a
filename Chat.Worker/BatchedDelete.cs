using Npgsql;

namespace Chat.Worker;

/// <summary>
/// Runs a clean-up statement that deletes at most <c>@batch</c> rows older than <c>@cutoff</c> until a run deletes
/// fewer: no statement holds many locks, and workers running it at once share the rows (SKIP LOCKED).
/// </summary>
public static class BatchedDelete
{
    public const int BatchSize = 5000;

    /// <returns>How many rows were deleted.</returns>
    public static async Task<long> RunAsync(NpgsqlDataSource dataSource, string sql, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        long total = 0;
        while (true)
        {
            await using var command = dataSource.CreateCommand(sql);
            command.Parameters.AddWithValue("cutoff", cutoff);
            command.Parameters.AddWithValue("batch", BatchSize);
            var deleted = await command.ExecuteNonQueryAsync(cancellationToken);
            total += deleted;
            if (deleted < BatchSize)
            {
                return total;
            }
        }
    }
}
