using System.Text.RegularExpressions;
using Chat.Data;
using Chat.Data.Attachments;
using Chat.Messaging.Conversations;
using Chat.Messaging.Errors;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Chat.Api.Attachments;

/// <summary>
/// Attachments as the API handles them: a member announces a file and gets a grant to upload it; once uploaded,
/// its bytes are checked against the announcement; current members get grants to read it. Each refusal is a
/// <see cref="ChatError"/> with its code (docs/protocol.md).
/// </summary>
public sealed partial class Attachments(ChatDbContext db, AttachmentStorage storage, IOptions<AttachmentOptions> options, TimeProvider time)
{
    public async Task<Outcome<AttachmentUploadGrant>> AnnounceAsync(Guid conversationId, Guid userId, NewAttachmentRequest request, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        if (request.Size is not { } size || size < 1 || size > limits.MaxSize)
        {
            return new ChatError("attachment_too_large", StatusCodes.Status400BadRequest, $"size is from 1 to {limits.MaxSize} bytes.", "size");
        }

        if (request.ContentType is not { } contentType || !limits.AllowedContentTypes.Contains(contentType, StringComparer.OrdinalIgnoreCase))
        {
            return new ChatError("content_type_not_allowed", StatusCodes.Status400BadRequest,
                $"contentType is one of: {string.Join(", ", limits.AllowedContentTypes)} (an encrypted file is application/octet-stream).", "contentType");
        }

        if (request.Sha256 is not { } sha256 || !Sha256Hex().IsMatch(sha256))
        {
            return ChatErrors.Invalid("sha256", "sha256 is the file's SHA-256, 64 hex digits.");
        }

        if (!await db.ConversationMembers.AsNoTracking().CurrentOf(conversationId, userId).AnyAsync(cancellationToken))
        {
            return ChatErrors.NotMember;
        }

        // A grant cannot bound what is uploaded with it: until the worker removes uncompleted uploads, each open
        // announcement may hold storage, so a user may have only so many.
        if (await db.Attachments.CountAsync(a => a.UploaderId == userId && a.VerifiedAt == null && a.DeletedAt == null, cancellationToken) >= limits.MaxPendingUploads)
        {
            return new ChatError("too_many_uploads", StatusCodes.Status429TooManyRequests,
                $"You have {limits.MaxPendingUploads} uploads announced and not completed; complete them, or wait for them to expire.");
        }

        // Counted and added in one transaction under a lock on the user's row, so two uploads at once cannot
        // both fit in the space left for one. (Through the execution strategy, which retries the whole of it.)
        var attachment = new Attachment
        {
            Id = Guid.CreateVersion7(),
            ConversationId = conversationId,
            UploaderId = userId,
            Size = size,
            ContentType = contentType.ToLowerInvariant(),
            Sha256 = sha256.ToLowerInvariant(),
            CreatedAt = time.GetUtcNow(),
        };
        var stored = await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await db.Database.ExecuteSqlAsync($"SELECT 1 FROM users WHERE id = {userId} FOR UPDATE", cancellationToken);
            var stored = await db.Attachments.Where(a => a.UploaderId == userId && a.BlobDeletedAt == null).SumAsync(a => (long?)a.Size, cancellationToken) ?? 0;
            if (stored + size <= limits.QuotaPerUser)
            {
                db.Attachments.Add(attachment);
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }

            return stored;
        });
        if (stored + size > limits.QuotaPerUser)
        {
            return new ChatError("quota_exceeded", StatusCodes.Status413PayloadTooLarge,
                $"You have {stored} of your {limits.QuotaPerUser} bytes stored; this file does not fit. Delete messages with attachments to make room.");
        }

        var (url, expiresAt) = storage.GrantUpload(attachment.Id);
        return new AttachmentUploadGrant(attachment.Id, url, expiresAt);
    }

    /// <summary>
    /// The uploader says the upload is done: the stored bytes must have the announced size and hash, or the blob
    /// is deleted and the attachment refused for good (announce it again).
    /// </summary>
    public async Task<Outcome<CompletedAttachment>> CompleteAsync(Guid attachmentId, Guid userId, CancellationToken cancellationToken)
    {
        // The row stays locked while the file is checked: one check at a time per attachment (a second gets a
        // refusal at once, not another read of up to 100 MiB), and no message can take it meanwhile.
        return await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            Attachment? attachment;
            try
            {
                // Not composed (FirstOrDefault would wrap the locking statement in a subquery).
                attachment = (await db.Attachments
                    .FromSql($"SELECT * FROM attachments WHERE id = {attachmentId} AND uploader_id = {userId} AND deleted_at IS NULL FOR UPDATE NOWAIT")
                    .ToListAsync(cancellationToken)).SingleOrDefault();
            }
            catch (Npgsql.PostgresException e) when (e.SqlState == Npgsql.PostgresErrorCodes.LockNotAvailable)
            {
                return (Outcome<CompletedAttachment>)new ChatError("attachment_busy", StatusCodes.Status409Conflict, "This attachment is being checked or sent; try again in a moment.");
            }

            if (attachment is null)
            {
                return ChatErrors.AttachmentNotFound;
            }

            if (attachment.VerifiedAt is null)
            {
                var measured = await storage.MeasureAsync(attachmentId, attachment.Size, cancellationToken);
                if (measured is null)
                {
                    return new ChatError("attachment_not_uploaded", StatusCodes.Status409Conflict, "Nothing was uploaded for this attachment yet.");
                }

                if (measured.Value.Size != attachment.Size || measured.Value.Sha256 != attachment.Sha256)
                {
                    // Deleted now and again by the worker once the grant has expired (it could upload anew till then);
                    // it counts in the quota until that second deletion.
                    await storage.DeleteAsync(attachmentId, cancellationToken);
                    attachment.DeletedAt = time.GetUtcNow();
                    await db.SaveChangesAsync(cancellationToken);
                    await transaction.CommitAsync(cancellationToken);
                    return new ChatError("attachment_mismatch", StatusCodes.Status422UnprocessableEntity,
                        measured.Value.Size != attachment.Size
                            ? $"The upload has {measured.Value.Size} bytes, not the {attachment.Size} announced; it was deleted. Announce the file again."
                            : "The upload's SHA-256 is not the one announced; it was deleted. Announce the file again.");
                }

                attachment.VerifiedAt = time.GetUtcNow();
                await db.SaveChangesAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            return new CompletedAttachment(attachment.Id, attachment.Size, attachment.Sha256);
        });
    }

    /// <summary>
    /// A grant to read the file: for current members of its conversation once a message carries it (its uploader
    /// before that), never for someone who left or was removed.
    /// </summary>
    public async Task<Outcome<AttachmentDownloadGrant>> GrantDownloadAsync(Guid attachmentId, Guid userId, CancellationToken cancellationToken)
    {
        var attachment = await db.Attachments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == attachmentId && a.DeletedAt == null && a.VerifiedAt != null, cancellationToken);
        var allowed = attachment is not null
            && (attachment.MessageId is null
                ? attachment.UploaderId == userId
                : await db.ConversationMembers.AsNoTracking().CurrentOf(attachment.ConversationId, userId).AnyAsync(cancellationToken));
        if (!allowed)
        {
            return new ChatError("attachment_not_found", StatusCodes.Status404NotFound, "No attachment you may read has this id.");
        }

        var (url, expiresAt) = storage.GrantDownload(attachmentId, attachment!.ContentType);
        return new AttachmentDownloadGrant(attachment.Id, attachment.ConversationId, attachment.Size, attachment.ContentType, attachment.Sha256, url, expiresAt);
    }

    [GeneratedRegex("^[0-9a-fA-F]{64}$")]
    private static partial Regex Sha256Hex();
}
