using System.Security.Cryptography;
using System.Text;
using k8s;
using k8s.Models;

namespace Chat.Deploy;

/// <summary>
/// Writes aspirate's Kustomize layout: a folder per resource with its objects and a kustomization.yaml, and a root
/// kustomization.yaml with the namespace, the ingress, a ConfigMap of plain settings (config.env) and a Secret read
/// from files under secrets/, which is git-ignored: the values never enter the repository.
/// </summary>
public sealed class KustomizeLayout(AspireManifest manifest)
{
    private readonly ServicePorts _ports = new(manifest);

    public const string SecretsFolder = "secrets";
    public const string ConfigFile = "config.env";

    /// <summary>Every generated file, by its path relative to the output folder.</summary>
    public SortedDictionary<string, string> Files()
    {
        var workloads = new Workloads(manifest, _ports, new ContainerEnvironment(manifest, new ManifestExpressions(manifest, _ports)));
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var folders = new List<string>();

        foreach (var name in manifest.OfType("container.v0").Order(StringComparer.Ordinal))
        {
            AddFolder(files, folders, name, workloads.ForContainer(name));
        }

        foreach (var name in manifest.OfType("project.v0").Order(StringComparer.Ordinal))
        {
            AddFolder(files, folders, name, workloads.ForProject(name));
        }

        files["namespace.yaml"] = KubernetesYaml.Serialize(new V1Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = new V1ObjectMeta { Name = DeploymentPolicy.Namespace } });
        files["ingress.yaml"] = KubernetesYaml.Serialize(Ingress());
        files[ConfigFile] = ConfigEnv();
        files["kustomization.yaml"] = new Kustomization
        {
            Namespace = DeploymentPolicy.Namespace,
            Resources = ["namespace.yaml", .. folders, "ingress.yaml"],
            ConfigMapGenerator = [new() { Name = DeploymentPolicy.ConfigMapName, Envs = [ConfigFile] }],
            SecretGenerator = [new() { Name = DeploymentPolicy.SecretName, Files = SecretParameters().Select(p => $"{p}={SecretsFolder}/{p}").ToList() }],
        }.ToYaml();
        return files;
    }

    /// <summary>
    /// Creates each missing secret file: a random value where the AppHost would generate one (a new ECDSA key for
    /// <see cref="DeploymentPolicy.EcdsaKeyParameters"/>), else empty (the FCM key: push stays off until the operator
    /// puts the key there). Existing files are left as they are.
    /// </summary>
    public IEnumerable<string> CreateMissingSecrets(string outputFolder)
    {
        var folder = Directory.CreateDirectory(Path.Combine(outputFolder, SecretsFolder)).FullName;
        foreach (var parameter in SecretParameters())
        {
            var path = Path.Combine(folder, parameter);
            if (!File.Exists(path))
            {
                var length = manifest.GeneratedLength(parameter);
                File.WriteAllText(path, DeploymentPolicy.EcdsaKeyParameters.Contains(parameter) ? NewEcdsaKey()
                    : length is { } n ? RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", n)
                    : "");
                yield return path;
            }
        }
    }

    private static string NewEcdsaKey()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return key.ExportPkcs8PrivateKeyPem();
    }

    private IEnumerable<string> SecretParameters() =>
        manifest.OfType("parameter.v0").Where(manifest.IsSecret).Order(StringComparer.Ordinal);

    private static void AddFolder(SortedDictionary<string, string> files, List<string> folders, string name, IEnumerable<IKubernetesObject<V1ObjectMeta>> objects)
    {
        var kustomization = new Kustomization();
        foreach (var item in objects)
        {
            var file = item.Kind switch
            {
                "HorizontalPodAutoscaler" => "hpa.yaml",
                "PodDisruptionBudget" => "pdb.yaml",
                var kind => kind.ToLowerInvariant() + ".yaml",
            };
            files[$"{name}/{file}"] = KubernetesYaml.Serialize(item);
            kustomization.Resources.Add(file);
        }

        files[$"{name}/kustomization.yaml"] = kustomization.ToYaml();
        folders.Add(name);
    }

    private string ConfigEnv()
    {
        var text = new StringBuilder();
        text.AppendLine("# Plain settings, read by the services through the ConfigMap chat-config. Secrets go in secrets/, never here.");
        text.AppendLine($"otlp-endpoint={DeploymentPolicy.OtlpEndpoint}");
        foreach (var parameter in manifest.OfType("parameter.v0").Where(p => !manifest.IsSecret(p)).Order(StringComparer.Ordinal))
        {
            text.AppendLine($"{parameter}={DeploymentPolicy.ValueOf(manifest, parameter)}");
        }

        return text.ToString();
    }

    /// <summary>One host with TLS: /api to the API, /hubs to the realtime pods, the rest to the web app; timeouts that let WebSockets idle.</summary>
    private V1Ingress Ingress()
    {
        var host = new Uri(DeploymentPolicy.ValueOf(manifest, DeploymentPolicy.PublicUrlParameter)).Host;
        return new V1Ingress
        {
            ApiVersion = "networking.k8s.io/v1",
            Kind = "Ingress",
            Metadata = new V1ObjectMeta
            {
                Name = "chat",
                Labels = new Dictionary<string, string> { ["app.kubernetes.io/part-of"] = "chat" },
                Annotations = new Dictionary<string, string>
                {
                    ["nginx.ingress.kubernetes.io/proxy-read-timeout"] = "3600",
                    ["nginx.ingress.kubernetes.io/proxy-send-timeout"] = "3600",
                    ["nginx.ingress.kubernetes.io/proxy-body-size"] = "1m",
                },
            },
            Spec = new V1IngressSpec
            {
                IngressClassName = DeploymentPolicy.IngressClass,
                Tls = [new V1IngressTLS { Hosts = [host], SecretName = DeploymentPolicy.TlsSecretName }],
                Rules =
                [
                    new V1IngressRule
                    {
                        Host = host,
                        Http = new V1HTTPIngressRuleValue
                        {
                            Paths = DeploymentPolicy.Routes.Select(route => new V1HTTPIngressPath
                            {
                                Path = route.Path,
                                PathType = "Prefix",
                                Backend = new V1IngressBackend
                                {
                                    Service = new V1IngressServiceBackend
                                    {
                                        Name = route.Resource,
                                        Port = new V1ServiceBackendPort { Number = _ports.PortOf(route.Resource, "http") },
                                    },
                                },
                            }).ToList(),
                        },
                    },
                ],
            },
        };
    }
}
