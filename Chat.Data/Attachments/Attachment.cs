namespace Chat.Data.Attachments;

/// <summary>
/// A file a member uploads straight to blob storage with a short-lived grant, for one message of one conversation.
/// The server never carries its bytes; it checks them once (<see cref="VerifiedAt"/>) before a message may name it.
/// When encryption is on the bytes are ciphertext, and <see cref="Sha256"/> is the ciphertext's hash.
/// </summary>
public sealed class Attachment
{
    public Guid Id { get; init; }
    public Guid ConversationId { get; init; }
    public Guid UploaderId { get; init; }
    public long Size { get; init; }
    public required string ContentType { get; init; }

    /// <summary>SHA-256 of the bytes the uploader announced, lowercase hex; the stored blob must match it.</summary>
    public required string Sha256 { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Set once the stored blob was found to have the announced size and hash.</summary>
    public DateTimeOffset? VerifiedAt { get; set; }

    /// <summary>The message that carries it; an attachment no message names for a day is deleted.</summary>
    public Guid? MessageId { get; set; }

    /// <summary>Its message was deleted, or it was never used: the worker deletes the blob.</summary>
    public DateTimeOffset? DeletedAt { get; set; }

    /// <summary>The blob is gone; the row stays as the record of it, and no longer counts in its uploader's quota.</summary>
    public DateTimeOffset? BlobDeletedAt { get; set; }
}
