using YamlDotNet.Serialization;

namespace Chat.Deploy;

/// <summary>A kustomization.yaml: not a Kubernetes object, so not in KubernetesClient's models.</summary>
public sealed class Kustomization
{
    public string ApiVersion { get; init; } = "kustomize.config.k8s.io/v1beta1";
    public string Kind { get; init; } = "Kustomization";
    public string? Namespace { get; init; }
    public List<string> Resources { get; init; } = [];
    public List<Generator>? ConfigMapGenerator { get; init; }
    public List<Generator>? SecretGenerator { get; init; }

    public sealed class Generator
    {
        public required string Name { get; init; }
        public List<string>? Envs { get; init; }
        public List<string>? Files { get; init; }
    }

    public string ToYaml() => new SerializerBuilder()
        .WithNamingConvention(YamlDotNet.Serialization.NamingConventions.CamelCaseNamingConvention.Instance)
        .ConfigureDefaultValuesHandling(DefaultValuesHandling.OmitNull)
        .Build()
        .Serialize(this);
}
