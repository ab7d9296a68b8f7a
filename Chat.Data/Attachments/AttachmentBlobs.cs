using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Chat.Data.Attachments;

/// <summary>
/// The blob container that holds attachments, for the API (grants, checks) and the worker (deletion). Blobs are
/// named by the attachment's id. Azure.Storage.Blobs from the connection string <c>ConnectionStrings:blobs</c>:
/// Azurite's in a local run, a storage account's in a deployment (docs/deploy.md).
/// </summary>
public static class AttachmentBlobs
{
    public const string ConnectionName = "blobs";
    public const string ContainerName = "attachments";

    /// <summary>Registers the container; a service without the connection string fails when it first needs it, saying which.</summary>
    public static void AddAttachmentBlobs(this IHostApplicationBuilder builder) =>
        builder.Services.AddSingleton(_ => new BlobContainerClient(
            builder.Configuration.GetConnectionString(ConnectionName)
                ?? throw new InvalidOperationException($"ConnectionStrings:{ConnectionName} (the blob storage account for attachments) is not set."),
            ContainerName));

    public static string BlobName(Guid attachmentId) => attachmentId.ToString("N");
}
