using System.Diagnostics;
using OpenTelemetry.Trace;

namespace Chat.ServiceDefaults.Telemetry;

/// <summary>
/// Records a trace only when an operation begins it: a hub call, an HTTP request, a message's delivery. A span that
/// would begin a trace as a client call (a PostgreSQL command, a Redis command, an HTTP call) comes from upkeep
/// that runs on a timer (an outbox poll, a call sweep, a presence renewal, a health check) and is dropped, so an
/// idle system writes no traces. The same command inside an operation's trace is recorded with it. Operations are
/// sampled at <see cref="TelemetryOptions.TraceSampleRatio"/>; a span with a parent follows its parent's decision.
/// </summary>
public sealed class OperationSampler(double ratio) : Sampler
{
    private readonly ParentBasedSampler _sampler = new(new RootSampler(ratio));

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) => _sampler.ShouldSample(samplingParameters);

    private sealed class RootSampler(double ratio) : Sampler
    {
        private readonly TraceIdRatioBasedSampler _operations = new(ratio);

        public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
            samplingParameters.Kind == ActivityKind.Client ? new SamplingResult(SamplingDecision.Drop) : _operations.ShouldSample(samplingParameters);
    }
}
