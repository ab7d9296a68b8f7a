using System.ComponentModel.DataAnnotations;

namespace Chat.ServiceDefaults.Telemetry;

public sealed class TelemetryOptions
{
    public const string SectionName = "Telemetry";

    /// <summary>
    /// The share of operations (a hub call, an HTTP request, a message's delivery) whose traces are recorded. Every
    /// node follows the decision made where the trace began, so a sampled message is whole on every node and the
    /// worker. 1 in a local run; a deployment at full load sets a small share.
    /// </summary>
    [Range(0.0, 1.0)]
    public double TraceSampleRatio { get; set; } = 1.0;
}
