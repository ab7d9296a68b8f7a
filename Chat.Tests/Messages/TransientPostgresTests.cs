using System.Net.Sockets;
using Chat.Messaging;
using Npgsql;

namespace Chat.Tests.Messages;

[Trait("Category", "Unit")]
public sealed class TransientPostgresTests
{
    private int _attempts;

    [Fact]
    public async Task A_read_broken_by_a_server_restart_is_tried_again()
    {
        var result = await RunAsync(failures: 2, () => new NpgsqlException("Exception while reading from stream", new SocketException()));

        Assert.Equal("read", result);
        Assert.Equal(3, _attempts);
    }

    [Fact]
    public async Task A_connection_the_server_shut_down_is_tried_again()
    {
        var result = await RunAsync(failures: 1, () => new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", PostgresErrorCodes.AdminShutdown));

        Assert.Equal("read", result);
        Assert.Equal(2, _attempts);
    }

    [Fact]
    public async Task A_failure_that_would_fail_again_is_not_retried()
    {
        await Assert.ThrowsAsync<PostgresException>(() =>
            RunAsync(failures: 1, () => new PostgresException("duplicate key value", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation)));

        Assert.Equal(1, _attempts);
    }

    [Fact]
    public async Task A_server_still_down_after_three_attempts_fails_the_read()
    {
        await Assert.ThrowsAsync<NpgsqlException>(() => RunAsync(failures: 5, () => new NpgsqlException("Failed to connect", new SocketException())));

        Assert.Equal(3, _attempts);
    }

    private Task<string> RunAsync(int failures, Func<Exception> failure) =>
        TransientPostgres.ReadAsync(_ => ++_attempts <= failures ? throw failure() : Task.FromResult("read"), CancellationToken.None);
}
