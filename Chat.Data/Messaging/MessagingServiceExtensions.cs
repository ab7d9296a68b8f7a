using Chat.Data.Conversations;
using Chat.Data.Presence;
using Microsoft.Extensions.DependencyInjection;

namespace Chat.Data.Messaging;

public static class MessagingServiceExtensions
{
    /// <summary>The message path and the reads shared by the API and the realtime nodes. Needs the database and Redis.</summary>
    public static IServiceCollection AddChatMessaging(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddOptions<GroupCommitOptions>().BindConfiguration(GroupCommitOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<MessageStore>();
        services.AddSingleton<MessageFanout>();
        services.AddSingleton<MessageSender>();
        services.AddSingleton<PresenceReader>();
        services.AddScoped<MessageHistory>();
        services.AddScoped<ConversationContacts>();
        return services;
    }
}
