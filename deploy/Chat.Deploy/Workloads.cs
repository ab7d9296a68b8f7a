using k8s;
using k8s.Models;

namespace Chat.Deploy;

/// <summary>The Kubernetes objects of one manifest resource, each built from the typed models of KubernetesClient.</summary>
public sealed class Workloads(AspireManifest manifest, ServicePorts ports, ContainerEnvironment environment)
{
    /// <summary>The user the .NET images run as (<c>app</c>): numeric, so the kubelet can check runAsNonRoot.</summary>
    private const long AppUserId = 1654;

    /// <summary>
    /// A project: a Deployment with its Service. Nothing published runs to completion (the worker migrates at start:
    /// docs/deploy.md), so a project that serves nothing is a mistake in the AppHost.
    /// </summary>
    public IEnumerable<IKubernetesObject<V1ObjectMeta>> ForProject(string name)
    {
        var policy = DeploymentPolicy.For(name);
        var container = ProjectContainer(name);
        var served = ports.Served(name).ToList();
        if (served.Count == 0)
        {
            throw new InvalidDataException($"The project {name} serves no port: a Deployment of it would be restarted whenever it exits.");
        }

        container.Ports = served.Select(p => new V1ContainerPort { ContainerPort = p.Port, Name = p.Name, Protocol = p.Protocol == "UDP" ? "UDP" : null }).ToList();
        container.ReadinessProbe = HttpProbe("/health", periodSeconds: 5, failureThreshold: 3);
        container.LivenessProbe = HttpProbe("/alive", periodSeconds: 10, failureThreshold: 6);
        container.StartupProbe = HttpProbe("/alive", periodSeconds: 2, failureThreshold: 60);
        container.Lifecycle = new V1Lifecycle { PreStop = new V1LifecycleHandler { Sleep = new V1SleepAction { Seconds = policy.PreStopSeconds } } };

        yield return Deployment(name, policy, PodTemplate(name, container, policy),
            new V1DeploymentStrategy { Type = "RollingUpdate", RollingUpdate = new V1RollingUpdateDeployment { MaxSurge = "25%", MaxUnavailable = 0 } });
        yield return Service(name);
        if (policy.Autoscale is var (min, max))
        {
            yield return Autoscaler(name, min, max);
        }

        if (policy.DisruptionBudget)
        {
            yield return new V1PodDisruptionBudget
            {
                ApiVersion = "policy/v1",
                Kind = "PodDisruptionBudget",
                Metadata = Metadata(name),
                Spec = new V1PodDisruptionBudgetSpec { MinAvailable = 1, Selector = new V1LabelSelector { MatchLabels = Selector(name) } },
            };
        }
    }

    /// <summary>
    /// A container resource: with volumes (PostgreSQL, Redis) a StatefulSet with a volume claim per volume; without
    /// (the TURN relay) a Deployment. Each with its Service.
    /// </summary>
    public IEnumerable<IKubernetesObject<V1ObjectMeta>> ForContainer(string name)
    {
        var resource = manifest.Resource(name);
        var policy = DeploymentPolicy.For(name);
        var volumes = (resource["volumes"]?.AsArray() ?? []).Select((v, i) => (Name: i == 0 ? "data" : $"data-{i}", Target: (string)v!["target"]!)).ToList();
        var served = ports.Served(name).ToList();
        var probed = served.FirstOrDefault(p => p.Protocol == "TCP").Port;
        var container = new V1Container
        {
            Name = name,
            Image = (string)resource["image"]!,
            Command = resource["entrypoint"] is { } entrypoint ? [(string)entrypoint!] : null,
            Args = AspireManifest.List(resource["args"]).ToList() is { Count: > 0 } args ? args : null,
            Env = environment.For(name),
            Ports = served.Select(p => new V1ContainerPort { ContainerPort = p.Port, Name = p.Name, Protocol = p.Protocol == "UDP" ? "UDP" : null }).ToList(),
            VolumeMounts = volumes.Select(v => new V1VolumeMount { MountPath = v.Target, Name = v.Name }).ToList(),
            Resources = Resources(policy),
            // A TCP port answers a connect; a container serving only UDP gets no probe.
            ReadinessProbe = probed == 0 ? null : new V1Probe { TcpSocket = new V1TCPSocketAction { Port = probed }, PeriodSeconds = 5 },
            LivenessProbe = probed == 0 ? null : new V1Probe { TcpSocket = new V1TCPSocketAction { Port = probed }, PeriodSeconds = 20, FailureThreshold = 6 },
        };

        if (volumes.Count == 0)
        {
            yield return Deployment(name, policy, new V1PodTemplateSpec
            {
                Metadata = Metadata(name),
                Spec = new V1PodSpec { Containers = [container], TerminationGracePeriodSeconds = policy.TerminationGracePeriodSeconds, AutomountServiceAccountToken = false },
            });
            yield return Service(name);
            yield break;
        }

        yield return new V1StatefulSet
        {
            ApiVersion = "apps/v1",
            Kind = "StatefulSet",
            Metadata = Metadata(name),
            Spec = new V1StatefulSetSpec
            {
                ServiceName = name,
                Replicas = 1,
                Selector = new V1LabelSelector { MatchLabels = Selector(name) },
                Template = new V1PodTemplateSpec { Metadata = Metadata(name), Spec = new V1PodSpec { Containers = [container], TerminationGracePeriodSeconds = 60 } },
                VolumeClaimTemplates = volumes.Select(v => new V1PersistentVolumeClaim
                {
                    Metadata = new V1ObjectMeta { Name = v.Name },
                    Spec = new V1PersistentVolumeClaimSpec
                    {
                        AccessModes = ["ReadWriteOnce"],
                        Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new(policy.VolumeSize) } },
                    },
                }).ToList(),
            },
        };
        yield return Service(name);
    }

    private V1Container ProjectContainer(string name) => new()
    {
        Name = name,
        Image = ProjectImages.For(manifest, name),
        ImagePullPolicy = "IfNotPresent",
        Args = AspireManifest.List(manifest.Resource(name)["args"]).ToList() is { Count: > 0 } args ? args : null,
        Env =
        [
            .. environment.For(name),
            new V1EnvVar { Name = "OTEL_SERVICE_NAME", Value = name },
            new V1EnvVar { Name = "OTEL_EXPORTER_OTLP_ENDPOINT", ValueFrom = ContainerEnvironment.Setting("otlp-endpoint") },
        ],
        Resources = Resources(DeploymentPolicy.For(name)),
        SecurityContext = new V1SecurityContext
        {
            RunAsNonRoot = true,
            RunAsUser = AppUserId,
            RunAsGroup = AppUserId,
            ReadOnlyRootFilesystem = true,
            AllowPrivilegeEscalation = false,
            Capabilities = new V1Capabilities { Drop = ["ALL"] },
        },

        // The root file system is read-only; .NET still wants a writable temporary folder.
        VolumeMounts = [new V1VolumeMount { MountPath = "/tmp", Name = "tmp" }],
    };

    private static V1Deployment Deployment(string name, WorkloadPolicy policy, V1PodTemplateSpec template, V1DeploymentStrategy? strategy = null) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "Deployment",
        Metadata = Metadata(name),
        Spec = new V1DeploymentSpec
        {
            Replicas = policy.Replicas,
            Selector = new V1LabelSelector { MatchLabels = Selector(name) },
            Strategy = strategy,
            Template = template,
        },
    };

    private static V1PodTemplateSpec PodTemplate(string name, V1Container container, WorkloadPolicy policy) => new()
    {
        Metadata = Metadata(name),
        Spec = new V1PodSpec
        {
            Containers = [container],
            RestartPolicy = "Always",
            TerminationGracePeriodSeconds = policy.TerminationGracePeriodSeconds,
            AutomountServiceAccountToken = false,
            SecurityContext = new V1PodSecurityContext { RunAsNonRoot = true, SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" } },
            Volumes = [new V1Volume { Name = "tmp", EmptyDir = new V1EmptyDirVolumeSource() }],
        },
    };

    private V1Service Service(string name) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = Metadata(name),
        Spec = new V1ServiceSpec
        {
            Type = DeploymentPolicy.For(name).ServiceType,
            ExternalTrafficPolicy = DeploymentPolicy.For(name).ExternalTrafficPolicy,
            Selector = Selector(name),
            Ports = ports.Served(name).Select(p => new V1ServicePort { Port = p.Port, Name = p.Name, TargetPort = p.Port, Protocol = p.Protocol }).ToList(),
        },
    };

    private static V2HorizontalPodAutoscaler Autoscaler(string name, int min, int max) => new()
    {
        ApiVersion = "autoscaling/v2",
        Kind = "HorizontalPodAutoscaler",
        Metadata = Metadata(name),
        Spec = new V2HorizontalPodAutoscalerSpec
        {
            ScaleTargetRef = new V2CrossVersionObjectReference { Kind = "Deployment", Name = name, ApiVersion = "apps/v1" },
            MinReplicas = min,
            MaxReplicas = max,
            Metrics =
            [
                new V2MetricSpec { Type = "Resource", Resource = new V2ResourceMetricSource { Name = "cpu", Target = new V2MetricTarget { Type = "Utilization", AverageUtilization = 70 } } },
            ],
        },
    };

    private static V1Probe HttpProbe(string path, int periodSeconds, int failureThreshold) =>
        new() { HttpGet = new V1HTTPGetAction { Port = "http", Path = path }, PeriodSeconds = periodSeconds, FailureThreshold = failureThreshold, TimeoutSeconds = 3 };

    private static V1ResourceRequirements Resources(WorkloadPolicy policy) => new()
    {
        Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(policy.CpuRequest), ["memory"] = new(policy.MemoryRequest) },
        Limits = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(policy.CpuLimit), ["memory"] = new(policy.MemoryLimit) },
    };

    public static V1ObjectMeta Metadata(string name) => new() { Name = name, Labels = Selector(name) };

    private static Dictionary<string, string> Selector(string name) => new() { ["app.kubernetes.io/name"] = name, ["app.kubernetes.io/part-of"] = "chat" };
}
