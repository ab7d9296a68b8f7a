namespace Chat.Api.Attachments;

/// <summary>POST /api/conversations/{id}/attachments: the file to be uploaded, as the uploader describes it.</summary>
public sealed record NewAttachmentRequest(long? Size, string? ContentType, string? Sha256);

/// <summary>Where to upload the file (a PUT of the whole file, or blocks) until <see cref="ExpiresAt"/>.</summary>
public sealed record AttachmentUploadGrant(Guid AttachmentId, Uri UploadUrl, DateTimeOffset ExpiresAt);

/// <summary>GET /api/attachments/{id}: the file and where to read it until <see cref="ExpiresAt"/>.</summary>
public sealed record AttachmentDownloadGrant(Guid AttachmentId, Guid ConversationId, long Size, string ContentType, string Sha256, Uri DownloadUrl, DateTimeOffset ExpiresAt);

/// <summary>POST /api/attachments/{id}/complete: the stored file matched; a message may now carry it.</summary>
public sealed record CompletedAttachment(Guid AttachmentId, long Size, string Sha256);
