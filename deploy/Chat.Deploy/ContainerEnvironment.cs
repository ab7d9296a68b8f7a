using k8s.Models;

namespace Chat.Deploy;

/// <summary>
/// A resource's environment in the cluster. A variable that is one parameter reads it from the Secret (secret
/// parameters) or the ConfigMap (plain ones); a value that embeds parameters, such as a connection string with a
/// password, gets them through helper variables defined first and referred to as <c>$(VAR)</c>, which Kubernetes
/// expands when it starts the container.
/// </summary>
public sealed class ContainerEnvironment(AspireManifest manifest, ManifestExpressions expressions)
{
    public List<V1EnvVar> For(string resource)
    {
        var helpers = new List<V1EnvVar>();
        var variables = new List<V1EnvVar>();
        foreach (var (name, expression) in AspireManifest.Strings(manifest.Resource(resource)["env"]))
        {
            if (expressions.AsParameter(expression) is { } parameter)
            {
                variables.Add(new V1EnvVar { Name = name, ValueFrom = Source(parameter) });
                continue;
            }

            var (value, parameters) = expressions.Resolve(expression);
            foreach (var used in parameters.Where(p => helpers.All(h => h.Name != ManifestExpressions.VariableFor(p))))
            {
                helpers.Add(new V1EnvVar { Name = ManifestExpressions.VariableFor(used), ValueFrom = Source(used) });
            }

            variables.Add(new V1EnvVar { Name = name, Value = value });
        }

        return [.. helpers, .. variables];
    }

    /// <summary>A plain setting from the ConfigMap, for variables the manifest does not carry (OTLP).</summary>
    public static V1EnvVarSource Setting(string key) =>
        new() { ConfigMapKeyRef = new V1ConfigMapKeySelector { Key = key, Name = DeploymentPolicy.ConfigMapName } };

    private V1EnvVarSource Source(string parameter) => manifest.IsSecret(parameter)
        ? new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Key = parameter, Name = DeploymentPolicy.SecretName } }
        : Setting(parameter);
}
