using System.Diagnostics;
using Chat.ServiceDefaults.Telemetry;
using OpenTelemetry.Trace;

namespace Chat.Tests.Telemetry;

[Trait("Category", "Unit")]
public sealed class OperationSamplerTests
{
    private static readonly ActivityContext SampledParent = new(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
    private static readonly ActivityContext DroppedParent = new(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None);

    [Theory]
    [InlineData(ActivityKind.Server)]
    [InlineData(ActivityKind.Consumer)]
    [InlineData(ActivityKind.Internal)]
    [InlineData(ActivityKind.Producer)]
    public void An_operation_begins_a_recorded_trace(ActivityKind kind) =>
        Assert.Equal(SamplingDecision.RecordAndSample, Decide(new OperationSampler(1.0), default, kind));

    [Fact]
    public void A_client_call_outside_any_trace_is_upkeep_and_dropped() =>
        Assert.Equal(SamplingDecision.Drop, Decide(new OperationSampler(1.0), default, ActivityKind.Client));

    [Fact]
    public void A_client_call_inside_a_recorded_trace_is_recorded_with_it() =>
        Assert.Equal(SamplingDecision.RecordAndSample, Decide(new OperationSampler(1.0), SampledParent, ActivityKind.Client));

    [Fact]
    public void A_span_follows_its_parents_decision_whatever_the_ratio()
    {
        Assert.Equal(SamplingDecision.Drop, Decide(new OperationSampler(1.0), DroppedParent, ActivityKind.Consumer));
        Assert.Equal(SamplingDecision.RecordAndSample, Decide(new OperationSampler(0.0), SampledParent, ActivityKind.Consumer));
    }

    [Fact]
    public void Operations_are_sampled_at_the_configured_ratio()
    {
        var sampler = new OperationSampler(0.25);
        var sampled = Enumerable.Range(0, 4000).Count(_ => Decide(sampler, default, ActivityKind.Server) == SamplingDecision.RecordAndSample);
        Assert.InRange(sampled, 800, 1200);
        Assert.Equal(SamplingDecision.Drop, Decide(new OperationSampler(0.0), default, ActivityKind.Server));
    }

    private static SamplingDecision Decide(Sampler sampler, ActivityContext parent, ActivityKind kind) =>
        sampler.ShouldSample(new SamplingParameters(parent, parent == default ? ActivityTraceId.CreateRandom() : parent.TraceId, "span", kind)).Decision;
}
