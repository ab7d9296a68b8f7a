using System.Text.RegularExpressions;

namespace Chat.Deploy;

/// <summary>
/// Resolves the manifest's placeholders (<c>{redis.connectionString}</c>, <c>{api.bindings.http.targetPort}</c>,
/// <c>{jwt-private-key.value}</c>) for a cluster: bindings become Service names and ports; parameters become
/// <c>$(VAR)</c> references to environment variables that Kubernetes fills from a Secret or ConfigMap, so no value
/// is known, or written, at generation time.
/// </summary>
public sealed partial class ManifestExpressions(AspireManifest manifest, ServicePorts ports)
{
    /// <summary>The resolved value, and the parameters it refers to, in order of first use.</summary>
    public (string Value, IReadOnlyList<string> Parameters) Resolve(string expression)
    {
        var parameters = new List<string>();
        var value = Resolve(expression, parameters);
        return (value, parameters);
    }

    /// <summary>The parameter that the expression is, whole, or null.</summary>
    public string? AsParameter(string expression)
    {
        var match = Placeholder().Match(expression);
        return match.Success && match.Length == expression.Length && match.Groups["path"].Value == "value"
            && manifest.Type(match.Groups["resource"].Value) == "parameter.v0"
            ? match.Groups["resource"].Value
            : null;
    }

    /// <summary>The environment variable that carries a parameter's value into a container.</summary>
    public static string VariableFor(string parameter) => "PARAMETER_" + parameter.ToUpperInvariant().Replace('-', '_');

    private string Resolve(string expression, List<string> parameters) =>
        Placeholder().Replace(expression, match => Substitute(match.Groups["resource"].Value, match.Groups["path"].Value, parameters));

    private string Substitute(string name, string path, List<string> parameters)
    {
        var resource = manifest.Resource(name);
        var type = manifest.Type(name);
        switch (path.Split('.'))
        {
            case ["connectionString"]:
                return Resolve((string?)resource["connectionString"] ?? "", parameters);
            case ["value"] when type == "parameter.v0":
                if (!parameters.Contains(name))
                {
                    parameters.Add(name);
                }

                return $"$({VariableFor(name)})";
            case ["value"] when type == "annotated.string":
                throw new NotSupportedException(
                    $"'{name}' applies the filter '{resource["filter"]}' to a value known only in the cluster; give services the plain value instead.");
            case ["bindings", var binding, var property]:
                return Binding(name, binding, property);
            default:
                throw new NotSupportedException($"Cannot resolve {{{name}.{path}}} for Kubernetes.");
        }
    }

    private string Binding(string resource, string binding, string property)
    {
        var port = ports.PortOf(resource, binding);
        var scheme = (string?)manifest.Resource(resource)["bindings"]?[binding]?["scheme"] ?? "http";
        return property switch
        {
            "host" => resource,
            "port" or "targetPort" => port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "scheme" => scheme,
            "url" => $"{scheme}://{resource}:{port}",
            "tlsEnabled" => "False",
            _ => throw new NotSupportedException($"Cannot resolve the binding property '{property}' of {resource}.{binding}."),
        };
    }

    [GeneratedRegex(@"\{(?<resource>[a-zA-Z0-9-]+)\.(?<path>[a-zA-Z0-9.]+)\}")]
    private static partial Regex Placeholder();
}
