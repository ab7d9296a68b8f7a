using System.Security.Cryptography;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Azure.Storage.Sas;
using Chat.Data.Attachments;
using Microsoft.Extensions.Options;

namespace Chat.Api.Attachments;

/// <summary>
/// The API's side of the attachments container: grants that let a client write or read one blob for a few minutes
/// (SAS), and the check that a stored blob is what its uploader announced. The bytes go between the client and
/// storage; the API reads them once, to hash them.
/// </summary>
public sealed class AttachmentStorage(BlobContainerClient container, IOptions<AttachmentOptions> options, TimeProvider time)
{
    /// <summary>
    /// Create only, not write: the grant makes the blob once and cannot replace it after its check, and it names
    /// one blob, so it reaches no other.
    /// </summary>
    public (Uri Url, DateTimeOffset ExpiresAt) GrantUpload(Guid attachmentId)
    {
        var expiresAt = time.GetUtcNow().Add(options.Value.UploadGrantLifetime);
        return (container.GetBlobClient(AttachmentBlobs.BlobName(attachmentId)).GenerateSasUri(BlobSasPermissions.Create, expiresAt), expiresAt);
    }

    /// <summary>
    /// Read only, and storage answers with the announced type as a download whatever the uploader set on the blob:
    /// a blob claiming text/html is never served as a page from the storage origin.
    /// </summary>
    public (Uri Url, DateTimeOffset ExpiresAt) GrantDownload(Guid attachmentId, string contentType)
    {
        var expiresAt = time.GetUtcNow().Add(options.Value.DownloadGrantLifetime);
        var blob = container.GetBlobClient(AttachmentBlobs.BlobName(attachmentId));
        var sas = new BlobSasBuilder(BlobSasPermissions.Read, expiresAt)
        {
            BlobContainerName = blob.BlobContainerName,
            BlobName = blob.Name,
            ContentType = contentType,
            ContentDisposition = "attachment",
        };
        return (blob.GenerateSasUri(sas), expiresAt);
    }

    /// <summary>The stored blob's size and SHA-256 (lowercase hex); null when nothing was uploaded.</summary>
    public async Task<(long Size, string Sha256)?> MeasureAsync(Guid attachmentId, long maxSize, CancellationToken cancellationToken)
    {
        var blob = container.GetBlobClient(AttachmentBlobs.BlobName(attachmentId));
        try
        {
            var properties = await blob.GetPropertiesAsync(cancellationToken: cancellationToken);
            if (properties.Value.ContentLength > maxSize)
            {
                return (properties.Value.ContentLength, "");
            }

            // One streamed GET (OpenRead's ranged reads of a few MiB each took three times as long), of the very
            // version measured: a blob replaced in between fails the read.
            var download = await blob.DownloadStreamingAsync(new BlobDownloadOptions
            {
                Conditions = new BlobRequestConditions { IfMatch = properties.Value.ETag },
            }, cancellationToken);
            await using var stream = download.Value.Content;
            var hash = await SHA256.HashDataAsync(stream, cancellationToken);
            return (properties.Value.ContentLength, Convert.ToHexStringLower(hash));
        }
        catch (RequestFailedException e) when (e.Status == StatusCodes.Status404NotFound)
        {
            return null;
        }
    }

    /// <summary>
    /// An upload that does not match is removed at once, snapshots and all (a create grant may take one): it was
    /// never the announced file. The worker deletes again once its grant has expired, in case it was uploaded anew.
    /// </summary>
    public Task DeleteAsync(Guid attachmentId, CancellationToken cancellationToken) =>
        container.GetBlobClient(AttachmentBlobs.BlobName(attachmentId)).DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken);

    /// <summary>
    /// Creates the container if needed and lets the configured browser origins (the web app) upload and download
    /// straight to storage. This replaces the account's blob CORS rules: on an account whose rules an operator
    /// manages, or that other apps share, leave the origins empty.
    /// </summary>
    public async Task PrepareAsync(CancellationToken cancellationToken)
    {
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        if (options.Value.BrowserOrigins.Count == 0)
        {
            return;
        }

        var service = container.GetParentBlobServiceClient();
        var properties = (await service.GetPropertiesAsync(cancellationToken)).Value;
        properties.Cors =
        [
            new BlobCorsRule
            {
                AllowedOrigins = string.Join(',', options.Value.BrowserOrigins),
                AllowedMethods = "GET,HEAD,PUT,OPTIONS",
                AllowedHeaders = "*",
                ExposedHeaders = "*",
                MaxAgeInSeconds = 3600,
            },
        ];
        await service.SetPropertiesAsync(properties, cancellationToken);
    }
}
