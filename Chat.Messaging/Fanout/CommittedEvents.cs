using Chat.Messaging.Conversations;
using Chat.Messaging.Messages;
using Chat.Messaging.Redis;
using Npgsql;

namespace Chat.Messaging.Fanout;

/// <summary>Reads committed events back from PostgreSQL when their publication never arrived.</summary>
public sealed class CommittedEvents(NpgsqlDataSource dataSource)
{
    private static readonly string RangeSql =
        $"SELECT {MessageEventReader.Columns} FROM messages WHERE conversation_id = @conversation_id AND seq BETWEEN @from AND @to ORDER BY seq";

    private static readonly string RecipientsSql = Membership.CurrentMembersSql("@conversation_id");

    /// <summary>A conversation's events in a seq range, addressed to its current members, as a publication would have carried them.</summary>
    public Task<List<FanoutEnvelope>> ReadRangeAsync(Guid conversationId, long fromSeq, long toSeq, CancellationToken cancellationToken) =>
        TransientPostgres.ReadAsync(token => ReadOnceAsync(conversationId, fromSeq, toSeq, token), cancellationToken);

    private async Task<List<FanoutEnvelope>> ReadOnceAsync(Guid conversationId, long fromSeq, long toSeq, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand(RangeSql) { Parameters = { new("conversation_id", conversationId), new("from", fromSeq), new("to", toSeq) } },
                new NpgsqlBatchCommand(RecipientsSql) { Parameters = { new("conversation_id", conversationId) } },
            },
        };
        var messages = new List<MessageEvent>();
        var recipients = new List<Guid>();
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            messages.Add(MessageEventReader.Read(reader));
        }

        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            recipients.Add(reader.GetGuid(0));
        }

        return messages.Select(m => new FanoutEnvelope(m, recipients, TraceParent: null)).ToList();
    }
}
