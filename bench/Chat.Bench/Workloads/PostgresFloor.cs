using System.Diagnostics;
using Npgsql;

namespace Chat.Bench.Workloads;

/// <summary>
/// A baseline for storing messages: what PostgreSQL's own CPU spends on a message row when nothing else is asked
/// of it. Rows shaped like ours go into a copy of the messages table (its columns and indexes, no foreign key),
/// many to a commit, from as many writers as our nodes run, with durable commits as in production; no membership,
/// resend or sequence check, no lock, no recipients. Any design that stores each message durably in this
/// PostgreSQL on this machine pays at least this much per message.
/// </summary>
public static class PostgresFloor
{
    public sealed record Result(int RowsPerCommit, int Writers, long Rows, TimeSpan Elapsed, TimeSpan PostgresCpu)
    {
        public double RowsPerSecond => Rows / Elapsed.TotalSeconds;

        public double PostgresCpuMicrosecondsPerRow => PostgresCpu.TotalMicroseconds / Rows;
    }

    /// <summary>
    /// The most a group-commit batch holds (MessageStore.MaxGroupCommit): every commit costs PostgreSQL a fixed
    /// amount of CPU, so this is the cheapest a row gets. Ours averaged about 57 over the direct workload's run.
    /// </summary>
    public const int RowsPerCommit = 256;

    private const string Table = "bench_floor_messages";

    /// <param name="postgresProcessId">The PostgreSQL server, whose process and backends are measured.</param>
    public static async Task<Result> RunAsync(string connectionString, int postgresProcessId, int writers, TimeSpan warmUp,
        TimeSpan duration, CancellationToken cancellationToken)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await Execute(dataSource, $"DROP TABLE IF EXISTS {Table}; CREATE TABLE {Table} (LIKE messages INCLUDING DEFAULTS INCLUDING INDEXES)");
        long rows = 0;
        using var stop = new CancellationTokenSource();
        var loops = Enumerable.Range(0, writers)
            .Select(_ => Task.Run(() => WriteAsync(dataSource, () => Interlocked.Add(ref rows, RowsPerCommit), stop.Token)))
            .ToArray();
        try
        {
            await Task.Delay(warmUp, cancellationToken);
            var rowsBefore = Interlocked.Read(ref rows);
            var cpuBefore = ProcessCpu.Snapshot();
            var started = Stopwatch.GetTimestamp();
            await Task.Delay(duration, cancellationToken);
            return new Result(RowsPerCommit, writers, Interlocked.Read(ref rows) - rowsBefore, Stopwatch.GetElapsedTime(started),
                ProcessCpu.Between(cpuBefore, ProcessCpu.Snapshot()).Of(postgresProcessId));
        }
        finally
        {
            // The writers stop however the measurement ends, before their table goes.
            await stop.CancelAsync();
            await Task.WhenAll(loops);
            await Execute(dataSource, $"DROP TABLE IF EXISTS {Table}");
        }
    }

    private static async Task WriteAsync(NpgsqlDataSource dataSource, Action committed, CancellationToken stop)
    {
        await using var connection = await dataSource.OpenConnectionAsync(CancellationToken.None);
        var conversations = Enumerable.Range(0, 5000).Select(_ => Guid.CreateVersion7()).ToArray();
        var senders = Enumerable.Range(0, 100).Select(_ => Guid.CreateVersion7()).ToArray();
        var content = Payloads.Create(0, Stopwatch.GetTimestamp());
        long seq = 0;
        while (!stop.IsCancellationRequested)
        {
            var now = DateTimeOffset.UtcNow;
            var ids = new Guid[RowsPerCommit];
            var conversationIds = new Guid[RowsPerCommit];
            var seqs = new long[RowsPerCommit];
            var senderIds = new Guid[RowsPerCommit];
            var clientIds = new string[RowsPerCommit];
            for (var i = 0; i < RowsPerCommit; i++)
            {
                ids[i] = Guid.CreateVersion7(now);
                conversationIds[i] = conversations[Random.Shared.Next(conversations.Length)];
                seqs[i] = ++seq;
                senderIds[i] = senders[Random.Shared.Next(senders.Length)];
                clientIds[i] = ids[i].ToString("N");
            }

            // One statement, committed on its own (PostgreSQL's implicit transaction), as a group-commit batch is.
            await using var command = new NpgsqlCommand($"""
                INSERT INTO {Table} (id, conversation_id, seq, kind, sender_id, sender_device_id, client_message_id, content, sent_at)
                SELECT id, conversation_id, seq, 1, sender_id, sender_id, client_message_id, @content, @sent_at
                FROM unnest(@ids, @conversation_ids, @seqs, @sender_ids, @client_message_ids) AS r(id, conversation_id, seq, sender_id, client_message_id)
                """, connection)
            {
                Parameters =
                {
                    new NpgsqlParameter<Guid[]>("ids", ids),
                    new NpgsqlParameter<Guid[]>("conversation_ids", conversationIds),
                    new NpgsqlParameter<long[]>("seqs", seqs),
                    new NpgsqlParameter<Guid[]>("sender_ids", senderIds),
                    new NpgsqlParameter<string[]>("client_message_ids", clientIds),
                    new NpgsqlParameter<string>("content", content),
                    new NpgsqlParameter<DateTimeOffset>("sent_at", now),
                },
            };
            await command.PrepareAsync(CancellationToken.None);
            await command.ExecuteNonQueryAsync(CancellationToken.None);
            committed();
        }
    }

    private static async Task Execute(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
