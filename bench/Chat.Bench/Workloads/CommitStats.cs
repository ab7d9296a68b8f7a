using Npgsql;

namespace Chat.Bench.Workloads;

/// <summary>
/// What PostgreSQL did for ours over one phase, from its own statistics read before and after: the group-commit
/// batches (calls of the batch statement, whose rows also hold each batch's recipients), the messages stored (the
/// sum of the conversations' last seqs: every stored event takes one, gapless; a message put off counts once, and
/// one stored alone or a membership event counts too), the time batches waited for the conversations of messages
/// put off (another writer's batch held them), and the WAL written, with the full-page images that a page's first
/// change after a checkpoint writes. Tells a per-message cost from a per-batch or per-phase one.
/// </summary>
public sealed record CommitStats(long Batches, long Messages, double LockMilliseconds, long WalRecords, long WalFullPages, long WalBytes)
{
    private const string Sql = """
        SELECT coalesce(sum(calls) FILTER (WHERE query LIKE 'WITH locked AS%'), 0)::bigint,
               (SELECT coalesce(sum(last_seq), 0) FROM conversations)::bigint,
               coalesce(sum(total_exec_time) FILTER (WHERE query LIKE 'SELECT count(*) FROM (SELECT $2 FROM conversations%'), 0)::float8,
               (SELECT wal_records FROM pg_stat_wal)::bigint, (SELECT wal_fpi FROM pg_stat_wal)::bigint, (SELECT wal_bytes FROM pg_stat_wal)::bigint
        FROM pg_stat_statements
        """;

    public static async Task<CommitStats> ReadAsync(string postgresConnection, CancellationToken cancellationToken)
    {
        await using var db = new NpgsqlConnection(postgresConnection);
        await db.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(Sql, db);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new(reader.GetInt64(0), reader.GetInt64(1), reader.GetDouble(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5));
    }

    /// <summary>
    /// Runs <paramref name="workload"/> and prints what PostgreSQL did meanwhile beside the workload's name; prints
    /// nothing when there is no PostgreSQL of ours to read (<paramref name="postgresConnection"/> null or empty: a peer).
    /// </summary>
    public static async Task<WorkloadResult> AroundAsync(string? postgresConnection, Func<Task<WorkloadResult>> workload, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(postgresConnection))
        {
            return await workload();
        }

        var before = await ReadAsync(postgresConnection, cancellationToken);
        var result = await workload();
        Console.WriteLine($"  {result.Workload} commits: {(await ReadAsync(postgresConnection, cancellationToken)).Since(before)}");
        return result;
    }

    public CommitStats Since(CommitStats before) => new(Batches - before.Batches, Messages - before.Messages, LockMilliseconds - before.LockMilliseconds,
        WalRecords - before.WalRecords, WalFullPages - before.WalFullPages, WalBytes - before.WalBytes);

    public override string ToString() => Batches == 0 || Messages == 0
        ? $"{Batches} batches, nothing stored"
        : $"{Batches} batches, {(double)Messages / Batches:F1} messages stored a batch, lock {LockMilliseconds / Batches:F2} ms a batch, WAL a message: {(double)WalRecords / Messages:F1} records, {(double)WalFullPages / Messages:F2} full pages, {(double)WalBytes / Messages:F0} bytes";
}
