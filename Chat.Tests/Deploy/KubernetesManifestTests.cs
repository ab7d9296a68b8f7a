using Chat.Tests.Infrastructure;
using System.Text;
using Chat.Deploy;
using k8s;
using k8s.Models;

namespace Chat.Tests.Deploy;

/// <summary>
/// The committed deploy/ files are what the current AppHost generates, and what they render is valid Kubernetes.
/// Needs kubectl (with its built-in kustomize), no servers.
/// </summary>
[Trait("Category", "Deploy")]
public sealed class KubernetesManifestTests : IAsyncLifetime
{
    private readonly DirectoryInfo _scratch = Directory.CreateTempSubdirectory("chat-deploy-");
    private string _manifestPath = "";
    private KustomizeLayout _layout = null!;
    private SortedDictionary<string, string> _files = null!;

    public async ValueTask InitializeAsync()
    {
        _manifestPath = await DeployFiles.PublishManifestAsync(_scratch.FullName);
        _layout = new KustomizeLayout(AspireManifest.Load(_manifestPath));
        _files = _layout.Files();
    }

    public ValueTask DisposeAsync()
    {
        _scratch.Delete(recursive: true);
        return default;
    }

    [Fact]
    public void The_committed_aspire_manifest_is_what_the_AppHost_publishes()
    {
        Assert.Equal(DeployFiles.Normalized(DeployFiles.CommittedManifest), DeployFiles.Normalized(_manifestPath));
    }

    [Fact]
    public void The_committed_Kubernetes_manifests_are_what_the_generator_writes_from_it()
    {
        var committed = Directory.GetFiles(DeployFiles.CommittedKubernetes, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(DeployFiles.CommittedKubernetes, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith(KustomizeLayout.SecretsFolder + "/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Equal(_files.Keys.ToList(), committed);
        foreach (var (path, content) in _files)
        {
            Assert.True(content == File.ReadAllText(Path.Combine(DeployFiles.CommittedKubernetes, path)),
                $"deploy/k8s/{path} differs from what the AppHost generates now; regenerate it (README, Deploy).");
        }
    }

    [Fact]
    public async Task Every_rendered_object_is_a_strict_Kubernetes_object_of_its_kind()
    {
        var objects = KubernetesYaml.LoadAllFromString(await DeployFiles.RenderAsync(_files, _layout, _scratch.FullName), strict: true);

        Assert.Equal(
            ["ConfigMap", "Deployment", "HorizontalPodAutoscaler", "Ingress", "Namespace", "PodDisruptionBudget", "Secret", "Service", "StatefulSet"],
            objects.Select(o => ((IKubernetesObject)o).Kind).Distinct().Order());
        Assert.Equal(["api", "realtime", "turn", "web", "worker"], objects.OfType<V1Deployment>().Select(d => d.Name()).Order());
        Assert.Equal(["postgres", "redis"], objects.OfType<V1StatefulSet>().Select(s => s.Name()).Order());
        Assert.All(objects.OfType<V1StatefulSet>(), s => Assert.NotEmpty(s.Spec.VolumeClaimTemplates));
        Assert.All(objects.Where(o => o is not V1Namespace), o => Assert.Equal("chat", ((IMetadata<V1ObjectMeta>)o).Namespace()));
    }

    [Fact]
    public async Task Our_services_run_hardened_with_probes_limits_and_telemetry()
    {
        var objects = KubernetesYaml.LoadAllFromString(await DeployFiles.RenderAsync(_files, _layout, _scratch.FullName), strict: true);
        // Our images (the relay is coturn's own image, checked in its own test).
        var pods = objects.OfType<V1Deployment>().Where(d => d.Name() != "turn").Select(d => d.Spec.Template.Spec);

        foreach (var container in pods.SelectMany(p => p.Containers))
        {
            Assert.True(container.SecurityContext.RunAsNonRoot, container.Name);
            Assert.True(container.SecurityContext.ReadOnlyRootFilesystem, container.Name);
            Assert.NotNull(container.Resources.Requests["memory"]);
            Assert.NotNull(container.Resources.Limits["memory"]);
            Assert.Contains(container.Env, e => e.Name == "OTEL_EXPORTER_OTLP_ENDPOINT" && e.ValueFrom.ConfigMapKeyRef is not null);
            Assert.Matches(@"^chat/(api|realtime|web|worker):", container.Image);
        }

        foreach (var container in objects.OfType<V1Deployment>().Where(d => d.Name() != "turn").Select(d => d.Spec.Template.Spec.Containers.Single()))
        {
            Assert.Equal("/health", container.ReadinessProbe.HttpGet.Path);
            Assert.Equal("/alive", container.LivenessProbe.HttpGet.Path);
        }

        // No step runs once: the worker migrates at start, as the schema's owner, which only it is given.
        var ownerConnection = $"ConnectionStrings__{Chat.Worker.Migrations.MigrationCommand.OwnerConnectionName}";
        Assert.Equal(["worker"], objects.OfType<V1Deployment>().Where(d => d.Spec.Template.Spec.Containers.Single().Env.Any(e => e.Name == ownerConnection)).Select(d => d.Name()));
    }

    [Fact]
    public async Task Realtime_pods_scale_out_survive_drains_and_let_clients_move_before_they_stop()
    {
        var objects = KubernetesYaml.LoadAllFromString(await DeployFiles.RenderAsync(_files, _layout, _scratch.FullName), strict: true);
        var realtime = objects.OfType<V1Deployment>().Single(d => d.Name() == "realtime");

        Assert.True(realtime.Spec.Replicas >= 2);
        Assert.True(objects.OfType<V2HorizontalPodAutoscaler>().Single(h => h.Name() == "realtime").Spec.MinReplicas >= 2);
        Assert.Equal(1, objects.OfType<V1PodDisruptionBudget>().Single(p => p.Name() == "realtime").Spec.MinAvailable.ToInt());
        var pod = realtime.Spec.Template.Spec;
        var preStop = pod.Containers.Single().Lifecycle.PreStop.Sleep.Seconds;
        Assert.True(preStop > 0 && pod.TerminationGracePeriodSeconds > preStop + 30, "the pod drains before SIGTERM and has time to close its sockets");

        var ingress = objects.OfType<V1Ingress>().Single();
        Assert.NotEmpty(ingress.Spec.Tls);
        var routes = ingress.Spec.Rules.Single().Http.Paths.ToDictionary(p => p.Path, p => p.Backend.Service.Name);
        Assert.Equal("api", routes["/api"]);
        Assert.Equal("realtime", routes["/hubs"]);
        Assert.Equal("web", routes["/"]);
        Assert.Equal("3600", ingress.Metadata.Annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"]);
    }

    [Fact]
    public async Task The_TURN_relay_is_reached_on_a_LoadBalancer_over_UDP_and_TCP_with_its_secret_from_the_Secret()
    {
        var objects = KubernetesYaml.LoadAllFromString(await DeployFiles.RenderAsync(_files, _layout, _scratch.FullName), strict: true);

        var service = objects.OfType<V1Service>().Single(s => s.Name() == "turn");
        Assert.Equal("LoadBalancer", service.Spec.Type);
        Assert.Contains(service.Spec.Ports, p => p.Port == 3478 && p.Protocol == "UDP");
        Assert.Contains(service.Spec.Ports, p => p.Port == 3478 && p.Protocol == "TCP");
        Assert.True(service.Spec.Ports.Count(p => p.Protocol == "UDP" && p.Port >= 49152) >= 20, "relay ports on the Service");
        Assert.All(objects.OfType<V1Service>().Where(s => s.Name() != "turn"), s => Assert.Null(s.Spec.Type));

        Assert.Equal("Local", service.Spec.ExternalTrafficPolicy);

        // The secret reaches coturn through a file the start script writes: never in a command line or an argument.
        var relay = objects.OfType<V1Deployment>().Single(d => d.Name() == "turn").Spec.Template.Spec.Containers.Single();
        Assert.Contains(relay.Env, e => e.Name == "ConnectionStrings__turn_secret" && e.ValueFrom.SecretKeyRef?.Key == "turn-secret");
        Assert.Equal(["sh"], relay.Command);
        var script = relay.Args.Last();
        Assert.Contains("printenv ConnectionStrings__turn_secret | sed -n s/^/static-auth-secret=/w/tmp/turnserver.conf;", script);
        Assert.DoesNotContain("$(ConnectionStrings__turn_secret)", script);
        Assert.Contains("--no-tcp-relay", script);
        Assert.Contains("--external-ip=$TURN_EXTERNAL_IP", script);
        Assert.Contains("--denied-peer-ip=10.0.0.0-10.255.255.255", script);
        Assert.Equal("UDP", relay.Ports.Single(p => p.ContainerPort == 3478 && p.Name == "turn-udp").Protocol);

        var api = objects.OfType<V1Deployment>().Single(d => d.Name() == "api").Spec.Template.Spec.Containers.Single().Env;
        Assert.Contains(api, e => e.Name == "ConnectionStrings__turn-secret" && e.ValueFrom.SecretKeyRef?.Key == "turn-secret");
        Assert.Contains(api, e => e.Name == "Turn__Uris__0" && e.Value.StartsWith("turn:", StringComparison.Ordinal) && e.Value.EndsWith(":3478?transport=udp", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Secret_values_reach_the_cluster_only_through_the_Secret()
    {
        var rendered = await DeployFiles.RenderAsync(_files, _layout, _scratch.FullName);
        var secretValues = Directory.GetFiles(Path.Combine(_scratch.FullName, "k8s", KustomizeLayout.SecretsFolder))
            .Select(File.ReadAllText).Where(v => v.Length > 0).ToList();
        Assert.NotEmpty(secretValues);

        var objects = KubernetesYaml.LoadAllFromString(rendered, strict: true);
        var secret = objects.OfType<V1Secret>().Single();
        Assert.Equal(secretValues.Order(), secret.Data.Values.Where(v => v is { Length: > 0 }).Select(Encoding.UTF8.GetString).Order());
        var everythingElse = KubernetesYaml.SerializeAll(objects.Where(o => o is not V1Secret));
        Assert.All(secretValues, value => Assert.DoesNotContain(value, everythingElse));
        Assert.All(secretValues, value => Assert.DoesNotContain(value, string.Concat(_files.Values)));
    }

    [Fact]
    public async Task The_two_region_overlay_renders_and_adds_a_second_realtime_region_to_the_api()
    {
        var overlay = Path.Combine(RepositoryPaths.Root, "deploy", "overlays", "two-regions");
        var objects = KubernetesYaml.LoadAllFromString(await DeployFiles.RenderAsync(_files, _layout, _scratch.FullName, overlay), strict: true);

        var env = objects.OfType<V1Deployment>().Single(d => d.Name() == "api").Spec.Template.Spec.Containers.Single().Env;
        Assert.Contains(env, e => e.Name == "RealtimeRegions__Regions__1__Name" && e.Value == "us");
        Assert.Contains(env, e => e.Name == "RealtimeRegions__Regions__1__Url" && e.Value.StartsWith("https://", StringComparison.Ordinal));
    }
}
