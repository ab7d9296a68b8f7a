using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Chat.Data.Attachments;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Chat.Worker.Attachments;

/// <summary>
/// Deletes the blobs of attachments whose message was deleted (or whose upload did not match), of attachments no
/// message carried within <see cref="AttachmentCleanupOptions.UnusedFor"/>, and of uploads never completed within
/// <see cref="AttachmentCleanupOptions.UncompletedFor"/>; each row stays, marked, so its uploader's quota frees up.
/// Only once its upload grant has expired: till then the blob could be written again. Rows are taken with SKIP
/// LOCKED, so workers share the work; a blob already gone counts as deleted, and one that cannot be deleted now
/// waits for the next round without holding up the others.
/// </summary>
public sealed partial class AttachmentCleanup(
    NpgsqlDataSource dataSource, BlobContainerClient container, IOptions<AttachmentCleanupOptions> options, TimeProvider time,
    ILogger<AttachmentCleanup> logger) : BackgroundService
{
    private const int BatchSize = 100;

    private const string TakeSql = """
        SELECT id FROM attachments
        WHERE blob_deleted_at IS NULL AND created_at < @grants_expired_before
          AND (deleted_at IS NOT NULL
               OR (message_id IS NULL AND created_at < @unused_before)
               OR (verified_at IS NULL AND created_at < @uncompleted_before))
        ORDER BY created_at LIMIT @batch FOR UPDATE SKIP LOCKED
        """;

    private const string MarkSql = "UPDATE attachments SET deleted_at = COALESCE(deleted_at, now()), blob_deleted_at = now() WHERE id = ANY(@ids)";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                int deleted;
                do
                {
                    deleted = await DeleteBatchAsync(stoppingToken);
                    if (deleted > 0)
                    {
                        LogDeleted(deleted);
                    }
                }
                while (deleted == BatchSize);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(e);
            }

            await Task.Delay(options.Value.CleanupInterval, time, stoppingToken);
        }
    }

    private async Task<int> DeleteBatchAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var ids = new List<Guid>();
        await using (var take = new NpgsqlCommand(TakeSql, connection, transaction))
        {
            var now = time.GetUtcNow();
            take.Parameters.AddWithValue("unused_before", now - options.Value.UnusedFor);
            take.Parameters.AddWithValue("uncompleted_before", now - options.Value.UncompletedFor);
            take.Parameters.AddWithValue("grants_expired_before", now - options.Value.UploadGrantLifetime);
            take.Parameters.AddWithValue("batch", BatchSize);
            await using var reader = await take.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(reader.GetGuid(0));
            }
        }

        // The rows stay locked while their blobs go: a message cannot take an unused attachment being deleted.
        // Snapshots go too: a create grant may take one, and a blob with snapshots cannot be deleted alone.
        var deleted = new List<Guid>();
        foreach (var id in ids)
        {
            try
            {
                await container.GetBlobClient(AttachmentBlobs.BlobName(id)).DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken);
                deleted.Add(id);
            }
            catch (Azure.RequestFailedException e)
            {
                LogBlobNotDeleted(e, id);
            }
        }

        await using (var mark = new NpgsqlCommand(MarkSql, connection, transaction))
        {
            mark.Parameters.AddWithValue("ids", deleted.ToArray());
            await mark.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return deleted.Count;
    }

    [LoggerMessage(1, LogLevel.Information, "Deleted the blobs of {Count} attachments (message deleted, or never used)")]
    private partial void LogDeleted(int count);

    [LoggerMessage(3, LogLevel.Warning, "The blob of attachment {AttachmentId} could not be deleted; it is tried again later")]
    private partial void LogBlobNotDeleted(Exception exception, Guid attachmentId);

    [LoggerMessage(2, LogLevel.Warning, "Attachment clean-up failed; it runs again later")]
    private partial void LogFailed(Exception exception);
}
