namespace Chat.Deploy;

/// <summary>
/// What the Aspire manifest does not say about running in a cluster: replicas (the manifest drops WithReplicas),
/// scaling, disruption budgets, graceful draining, resources, volume sizes and the public entry point. One record
/// per resource; a resource not listed gets <see cref="Default"/>.
/// </summary>
public sealed record WorkloadPolicy
{
    public int Replicas { get; init; } = 1;

    /// <summary>HorizontalPodAutoscaler bounds on CPU; null: a fixed replica count.</summary>
    public (int Min, int Max)? Autoscale { get; init; }

    /// <summary>Whether a PodDisruptionBudget keeps one pod serving during node drains.</summary>
    public bool DisruptionBudget { get; init; }

    /// <summary>How long a stopping pod keeps serving while endpoints are updated, before SIGTERM.</summary>
    public int PreStopSeconds { get; init; } = 5;

    public int TerminationGracePeriodSeconds { get; init; } = 30;

    public string CpuRequest { get; init; } = "100m";
    public string MemoryRequest { get; init; } = "128Mi";
    public string CpuLimit { get; init; } = "1";
    public string MemoryLimit { get; init; } = "512Mi";

    /// <summary>The size of each persistent volume of a container resource.</summary>
    public string VolumeSize { get; init; } = "1Gi";

    /// <summary>The Service's type: null (ClusterIP), or LoadBalancer for what clients reach outside the HTTP ingress (TURN).</summary>
    public string? ServiceType { get; init; }

    /// <summary>Local keeps a client's own address on what reaches the pod (a relay grants permissions by address).</summary>
    public string? ExternalTrafficPolicy { get; init; }
}

public static class DeploymentPolicy
{
    public const string Namespace = "chat";
    public const string ConfigMapName = "chat-config";
    public const string SecretName = "chat-secrets";
    public const string TlsSecretName = "chat-tls";
    public const string IngressClass = "nginx";

    /// <summary>The parameter whose default is the public hub address; the ingress serves its host.</summary>
    public const string PublicUrlParameter = "realtime-public-url";

    /// <summary>
    /// What to write for a setting the operator must choose (a parameter the manifest gives no default, so that
    /// aspirate asks for it rather than inventing one): an example in the form it takes, edited in config.env.
    /// </summary>
    private static readonly Dictionary<string, string> Examples = new()
    {
        [PublicUrlParameter] = "https://chat.example.com/hubs/chat",
        ["turn-public-address"] = "203.0.113.10",
    };

    /// <summary>A plain parameter's value in config.env: its published default, else its example.</summary>
    public static string ValueOf(AspireManifest manifest, string parameter) =>
        manifest.DefaultValue(parameter) ?? Examples.GetValueOrDefault(parameter)
        ?? throw new InvalidDataException($"The parameter {parameter} has no default and no example in DeploymentPolicy.");

    /// <summary>Secret parameters that hold an ECDSA P-256 private key (PEM), which the AppHost generates in code.</summary>
    public static readonly IReadOnlySet<string> EcdsaKeyParameters = new HashSet<string> { "jwt-private-key" };

    /// <summary>The ingress: path prefix → the resource that serves it (the longest prefix wins; the web app takes the rest).</summary>
    public static readonly IReadOnlyList<(string Path, string Resource)> Routes = [("/api", "api"), ("/hubs", "realtime"), ("/", "web")];

    /// <summary>Where the OpenTelemetry collector listens in the cluster (OTLP over gRPC); a plain setting.</summary>
    public const string OtlpEndpoint = "http://otel-collector.observability:4317";

    public static readonly WorkloadPolicy Default = new();

    private static readonly Dictionary<string, WorkloadPolicy> Policies = new()
    {
        ["api"] = new() { Replicas = 2, Autoscale = (2, 10), DisruptionBudget = true },

        // WebSocket clients must move to another pod when one stops: the pod leaves the Service first (preStop),
        // then closes its connections, and the clients' automatic reconnect lands on the other replicas. Its memory
        // holds 10,000 connections even if all of them fall behind at once (docs/deploy.md has the arithmetic).
        ["realtime"] = new()
        {
            Replicas = 2, Autoscale = (2, 20), DisruptionBudget = true,
            PreStopSeconds = 15, TerminationGracePeriodSeconds = 60, MemoryLimit = "1536Mi",
        },

        // The browser client's files (and, outside a cluster, its forwarding): light, two for availability.
        ["web"] = new() { Replicas = 2, DisruptionBudget = true },

        // Several workers share the push outbox safely (FOR UPDATE SKIP LOCKED, one delivery record per device).
        ["worker"] = new() { Replicas = 2 },
        ["postgres"] = new() { CpuRequest = "250m", MemoryRequest = "512Mi", CpuLimit = "2", MemoryLimit = "2Gi", VolumeSize = "20Gi" },
        ["redis"] = new() { MemoryRequest = "256Mi", MemoryLimit = "1Gi", VolumeSize = "2Gi" },

        // Clients reach the relay directly over UDP and TCP (docs/deploy.md): a LoadBalancer of its own.
        ["turn"] = new() { Replicas = 1, ServiceType = "LoadBalancer", ExternalTrafficPolicy = "Local", CpuLimit = "2", MemoryLimit = "512Mi" },
    };

    public static WorkloadPolicy For(string resource) => Policies.GetValueOrDefault(resource, Default);
}
