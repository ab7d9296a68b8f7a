using Chat.Data.Attachments;
using Chat.Worker.Attachments;
using Chat.Worker.DeviceMessages;
using Chat.Worker.Migrations;
using Chat.Data;
using Chat.Messaging;
using Chat.Worker.Push;

namespace Chat.Worker;

public static class WorkerServiceExtensions
{
    /// <summary>
    /// The worker's services: push notifications from the outbox, over the database and the presence registry, the
    /// clean-up of device messages no device acknowledged, and of attachments deleted or never used.
    /// </summary>
    public static IHostApplicationBuilder AddWorkerServices(this IHostApplicationBuilder builder)
    {
        // The push listener LISTENs on a pooled connection.
        builder.AddChatDatabase(keepsSessionState: true);
        builder.AddRedisClient(MessagingServiceExtensions.RedisConnectionName);
        builder.UseSecret(PushOptions.SecretName, $"{PushOptions.SectionName}:{nameof(PushOptions.ServiceAccountJson)}");
        builder.Services.AddPush();
        builder.Services.AddOptions<DeviceMessageRetentionOptions>().BindConfiguration(DeviceMessageRetentionOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHostedService<DeviceMessageCleanup>();
        builder.AddAttachmentBlobs();
        builder.Services.AddOptions<AttachmentCleanupOptions>().BindConfiguration(AttachmentCleanupOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHostedService<AttachmentCleanup>();
        return builder;
    }

    /// <summary>What <c>Chat.Worker migrate</c> needs: the database only.</summary>
    public static IHostApplicationBuilder AddMigrationServices(this IHostApplicationBuilder builder)
    {
        // Migrating holds an advisory lock.
        builder.AddChatDatabase(keepsSessionState: true);
        builder.Services.AddOptions<AppRoleOptions>().BindConfiguration(AppRoleOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddScoped<AppRole>();
        return builder;
    }
}
