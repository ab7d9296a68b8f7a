using Chat.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Options;

namespace Chat.Realtime.Hubs;

public static class ClientErrorExtensions
{
    /// <summary>
    /// Where SignalR logs a failed call or connect (the dispatcher) and an unreadable frame (the connection
    /// handler), both at Error whoever is at fault.
    /// </summary>
    private static readonly string[] SignalRErrorCategories =
        ["Microsoft.AspNetCore.SignalR.Internal.DefaultHubDispatcher", "Microsoft.AspNetCore.SignalR.HubConnectionHandler"];

    /// <summary>
    /// Wraps every hub protocol registered so far in <see cref="ClientErrorProtocol"/> and adds
    /// <see cref="ArgumentFilter"/>: every refusal reaches the client as <c>code: words</c>, and a call whose
    /// argument does not bind fails with <c>invalid_argument</c> naming the member, in every protocol. Call after
    /// the protocols are added. <see cref="ClientErrorLogFilter"/> comes first, so that it sees every refusal
    /// and fault, and SignalR's own Error records go: it writes a client's mistake as an Error, and the filter has
    /// already written each fault once.
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
                type == typeof(MessagePackHubProtocol) ? provider.GetRequiredService<IOptions<MessagePackHubProtocolOptions>>().Value.SerializerOptions : null,
                provider.GetRequiredService<ClientErrorMetrics>(),
                provider.GetRequiredService<ILogger<ClientErrorProtocol>>()));
        }

        services.Configure<HubOptions>(options =>
        {
            options.AddFilter<ClientErrorLogFilter>();
            options.AddFilter<ArgumentFilter>();
        });
        services.Configure<LoggerFilterOptions>(options =>
        {
            foreach (var category in SignalRErrorCategories)
            {
                options.AddFilter(category, level => level is LogLevel.Warning);
            }
        });
        return signalR;
    }
}
