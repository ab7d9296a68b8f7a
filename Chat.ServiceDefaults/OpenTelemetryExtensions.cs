using Chat.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Traces, metrics and logs exported over OTLP when the AppHost (or an operator) sets
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>. Npgsql and StackExchange.Redis instrumentation is registered by
/// their Aspire client integrations; here are the framework sources and our own.
/// </summary>
public static class OpenTelemetryExtensions
{
    /// <summary>The ActivitySource and Meter name shared by all Chat services ("Chat.Api", "Chat.Realtime", ...).</summary>
    public const string ChatTelemetryPrefix = "Chat.";

    private const string SignalRServerSource = "Microsoft.AspNetCore.SignalR.Server";
    /// <summary>Where the realtime nodes map their hubs.</summary>
    public const string RealtimeConnectionsPath = "/hubs";

    private const string SignalRMeter = "Microsoft.AspNetCore.Http.Connections";

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(SignalRMeter, "Microsoft.AspNetCore.Server.Kestrel")
                .AddMeter(ChatTelemetryPrefix + "*"))
            .WithTracing(tracing => tracing
                .SetSampler(services => new OperationSampler(services.GetRequiredService<IOptions<TelemetryOptions>>().Value.TraceSampleRatio))
                .AddSource(builder.Environment.ApplicationName, SignalRServerSource, ChatTelemetryPrefix + "*")
                .AddAspNetCoreInstrumentation(options => options.Filter = IsTraced)
                .AddHttpClientInstrumentation());

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>
    /// Not the probes, and not the request that carries a realtime connection: it lasts as long as the connection
    /// (hours), so its span would be one endless trace and a recorded activity held by every idle connection. The
    /// hub's calls get spans of their own from the SignalR source.
    /// </summary>
    private static bool IsTraced(HttpContext context) =>
        !context.Request.Path.StartsWithSegments(Extensions.HealthEndpointPath)
        && !context.Request.Path.StartsWithSegments(Extensions.AlivenessEndpointPath)
        && !context.Request.Path.StartsWithSegments(RealtimeConnectionsPath);
}
