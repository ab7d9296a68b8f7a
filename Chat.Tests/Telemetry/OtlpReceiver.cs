using System.Collections.Concurrent;
using Chat.Tests.Telemetry.Otlp;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Chat.Tests.Telemetry;

/// <summary>A span a service exported, with the service (and its replica) that recorded it.</summary>
public sealed record ReceivedSpan(string Service, string Instance, string TraceId, string SpanId, string ParentSpanId, string Name,
    DateTimeOffset Start, IReadOnlyDictionary<string, string> Attributes);

/// <summary>A log record a service exported. Severity numbers 17-20 are Error, 21-24 Fatal (Critical).</summary>
public sealed record ReceivedLog(string Service, DateTimeOffset Time, int Severity, string Category, string Body);

/// <summary>One data point of a counter a service exported: its cumulative value and attributes.</summary>
public sealed record ReceivedCount(string Service, string Instance, string Metric, double Value, IReadOnlyDictionary<string, string> Attributes);

/// <summary>
/// Receives what the services export over OTLP/HTTP (protobuf), as the dashboard does, so tests can read the
/// traces, logs and counters an operator would see. The services keep their real exporter; only its address is this.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedSpan> _spans = new();
    private readonly ConcurrentQueue<ReceivedLog> _logs = new();
    /// <summary>
    /// The latest value of each series. A series is keyed by its start time too: a restarted process (same service
    /// and instance) counts again from zero in a new series, and the old one's last value still counts.
    /// </summary>
    private readonly ConcurrentDictionary<(string Instance, ulong Start, string Metric, string Attributes), ReceivedCount> _counts = new();

    private OtlpReceiver(WebApplication app) => _app = app;

    public Uri Address { get; private set; } = null!;

    public IReadOnlyList<ReceivedSpan> Spans => [.. _spans];

    public IReadOnlyList<ReceivedLog> Logs => [.. _logs];

    /// <summary>The latest value of each counter series (cumulative, as the services export them), per process.</summary>
    public IReadOnlyList<ReceivedCount> Counts => [.. _counts.Values];

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/traces", async (HttpContext context) =>
        {
            receiver.Add(ExportTraceServiceRequest.Parser.ParseFrom(await BodyAsync(context)));
            return Results.Bytes([], "application/x-protobuf");
        });
        app.MapPost("/v1/logs", async (HttpContext context) =>
        {
            receiver.Add(ExportLogsServiceRequest.Parser.ParseFrom(await BodyAsync(context)));
            return Results.Bytes([], "application/x-protobuf");
        });
        app.MapPost("/v1/metrics", async (HttpContext context) =>
        {
            receiver.Add(ExportMetricsServiceRequest.Parser.ParseFrom(await BodyAsync(context)));
            return Results.Bytes([], "application/x-protobuf");
        });
        await app.StartAsync();
        receiver.Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        return receiver;
    }

    private static async Task<byte[]> BodyAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        return body.ToArray();
    }

    private void Add(ExportTraceServiceRequest request)
    {
        foreach (var resource in request.ResourceSpans)
        {
            var (service, instance) = Identity(resource.Resource);
            foreach (var span in resource.ScopeSpans.SelectMany(s => s.Spans))
            {
                _spans.Enqueue(new ReceivedSpan(service, instance, Hex(span.TraceId), Hex(span.SpanId), Hex(span.ParentSpanId), span.Name,
                    FromUnixNano(span.StartTimeUnixNano), Attributes(span.Attributes)));
            }
        }
    }

    private void Add(ExportLogsServiceRequest request)
    {
        foreach (var resource in request.ResourceLogs)
        {
            var (service, _) = Identity(resource.Resource);
            foreach (var scope in resource.ScopeLogs)
            {
                foreach (var log in scope.LogRecords)
                {
                    var time = FromUnixNano(Math.Max(log.TimeUnixNano, log.ObservedTimeUnixNano));
                    _logs.Enqueue(new ReceivedLog(service, time, log.SeverityNumber, scope.Scope?.Name ?? "", Text(log.Body)));
                }
            }
        }
    }

    private void Add(ExportMetricsServiceRequest request)
    {
        foreach (var resource in request.ResourceMetrics)
        {
            var (service, instance) = Identity(resource.Resource);
            foreach (var metric in resource.ScopeMetrics.SelectMany(s => s.Metrics).Where(m => m.Sum is not null))
            {
                foreach (var point in metric.Sum.DataPoints)
                {
                    var attributes = Attributes(point.Attributes);
                    var key = string.Join(',', attributes.OrderBy(a => a.Key).Select(a => $"{a.Key}={a.Value}"));
                    var value = point.AsInt != 0 ? point.AsInt : point.AsDouble;
                    _counts[(instance, point.StartTimeUnixNano, metric.Name, key)] = new ReceivedCount(service, instance, metric.Name, value, attributes);
                }
            }
        }
    }

    /// <summary>Aspire names each replica's service.name after the resource and gives each its own service.instance.id.</summary>
    private static (string Service, string Instance) Identity(Resource? resource)
    {
        var attributes = Attributes(resource?.Attributes ?? []);
        var service = attributes.GetValueOrDefault("service.name", "");
        return (service, attributes.GetValueOrDefault("service.instance.id", service));
    }

    private static Dictionary<string, string> Attributes(IEnumerable<KeyValue> attributes) =>
        attributes.GroupBy(a => a.Key).ToDictionary(g => g.Key, g => Text(g.Last().Value));

    private static string Text(AnyValue? value) => value?.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => value.StringValue,
        AnyValue.ValueOneofCase.IntValue => value.IntValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue ? "true" : "false",
        _ => "",
    };

    private static DateTimeOffset FromUnixNano(ulong nanoseconds) => DateTimeOffset.UnixEpoch.AddTicks((long)(nanoseconds / 100));

    private static string Hex(ByteString bytes) => Convert.ToHexStringLower(bytes.Span);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
