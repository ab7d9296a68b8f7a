using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Options;

namespace Chat.Realtime.Hubs;

public static class ClientErrorExtensions
{
    /// <summary>
    /// Wraps every hub protocol registered so far in <see cref="ClientErrorProtocol"/> and adds
    /// <see cref="ArgumentFilter"/>: every refusal reaches the client as <c>code: words</c>, and a call whose
    /// argument does not bind fails with <c>invalid_argument</c> naming the member, in every protocol. Call after
    /// the protocols are added.
    /// </summary>
    public static ISignalRServerBuilder AddClientErrors(this ISignalRServerBuilder signalR)
    {
        var services = signalR.Services;
        foreach (var descriptor in services.Where(d => d.ServiceType == typeof(IHubProtocol)).ToList())
        {
            var type = descriptor.ImplementationType
                ?? throw new InvalidOperationException($"The hub protocol {descriptor} was not registered by type and cannot be wrapped.");
            services.Remove(descriptor);
            services.AddSingleton<IHubProtocol>(provider => new ClientErrorProtocol(
                (IHubProtocol)ActivatorUtilities.CreateInstance(provider, type),
                type == typeof(MessagePackHubProtocol) ? provider.GetRequiredService<IOptions<MessagePackHubProtocolOptions>>().Value.SerializerOptions : null));
        }

        services.Configure<HubOptions>(options => options.AddFilter<ArgumentFilter>());
        return signalR;
    }
}
