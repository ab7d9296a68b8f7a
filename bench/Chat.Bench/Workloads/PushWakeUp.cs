using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

using static Chat.Bench.Workloads.ApiCalls;

namespace Chat.Bench.Workloads;

/// <summary>
/// How soon the worker takes up push work, and what it asks PostgreSQL while there is none. Messages go, one at a
/// time at a person's pace, to a user whose only device is offline with a push token, so each queues an outbox
/// entry; the delay is from the message's commit (the entry's <c>created_at</c>) to the worker's taking it
/// (<c>processed_at</c>), read from PostgreSQL, so FCM itself is not in it (the benchmark's worker has no FCM key and
/// marks entries processed). The idle cost is the worker's outbox statements per minute with nothing to do, from
/// <c>pg_stat_statements</c>.
/// </summary>
public static class PushWakeUp
{
    public sealed record Result(int Messages, double P50Ms, double P99Ms, double MaxMs, TimeSpan Idle, double OutboxStatementsPerIdleMinute);

    private const string OutboxStatementCalls =
        "SELECT coalesce(sum(calls), 0)::bigint FROM pg_stat_statements WHERE query ILIKE '%push_outbox%' AND query NOT ILIKE '%pg_stat_statements%'";

    public static async Task<Result> RunAsync(Uri api, string postgresConnection, int messages, TimeSpan idle, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = api };
        var alice = await RegisterAsync(http, cancellationToken);
        var bob = await RegisterAsync(http, cancellationToken);
        using var bobApi = new HttpClient { BaseAddress = api };
        bobApi.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bob.AccessToken);
        await ReadAsync(await bobApi.PostAsJsonAsync("/api/devices", new { platform = "android", pushToken = $"bench-{Guid.NewGuid():N}" }, cancellationToken));

        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", alice.AccessToken);
        var conversation = (await ReadAsync(await http.PostAsJsonAsync("/api/conversations", new { kind = "direct", userId = bob.UserId }, cancellationToken)))
            .GetProperty("id").GetGuid();
        // A stranger's first message is a request; bob accepts, as the people of a real conversation have.
        await ReadAsync(await bobApi.PostAsync($"/api/conversations/{conversation}/accept", null, cancellationToken));

        for (var i = 0; i < messages; i++)
        {
            await ReadAsync(await http.PostAsJsonAsync($"/api/conversations/{conversation}/messages",
                new { clientMessageId = Guid.NewGuid().ToString(), content = $"wake up {i}" }, cancellationToken));
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(50, 150)), cancellationToken);
        }

        await using var db = new NpgsqlConnection(postgresConnection);
        await db.OpenAsync(cancellationToken);
        var delays = new List<double>();
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            delays = await DelaysAsync(db, conversation, cancellationToken);
            if (delays.Count >= messages)
            {
                break;
            }

            await Task.Delay(200, cancellationToken);
        }

        if (delays.Count < messages)
        {
            throw new InvalidOperationException($"the worker took {delays.Count} of {messages} outbox entries within a minute");
        }

        var before = await ScalarAsync(db, OutboxStatementCalls, cancellationToken);
        await Task.Delay(idle, cancellationToken);
        var after = await ScalarAsync(db, OutboxStatementCalls, cancellationToken);

        delays.Sort();
        return new Result(messages, Percentile(delays, 0.50), Percentile(delays, 0.99), delays[^1], idle, (after - before) / idle.TotalMinutes);
    }

    private static async Task<List<double>> DelaysAsync(NpgsqlConnection db, Guid conversation, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT extract(epoch FROM processed_at - created_at) * 1000 FROM push_outbox WHERE conversation_id = @c AND processed_at IS NOT NULL", db)
        {
            Parameters = { new("c", conversation) },
        };
        var delays = new List<double>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            delays.Add(reader.GetDouble(0));
        }

        return delays;
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection db, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, db);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
