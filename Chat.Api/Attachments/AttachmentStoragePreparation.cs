namespace Chat.Api.Attachments;

/// <summary>Creates the attachments container and its CORS rules before the API takes requests.</summary>
public sealed class AttachmentStoragePreparation(AttachmentStorage storage) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => storage.PrepareAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
