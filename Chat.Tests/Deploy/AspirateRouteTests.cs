using System.Text.RegularExpressions;
using Chat.Deploy;

namespace Chat.Tests.Deploy;

/// <summary>
/// The published manifest, read by the rules aspirate 9 follows (docs/deploy.md, "The aspirate route"), so that its
/// output applies with only the image registry and the secret values supplied. aspirate itself is not on CI's
/// machines; these are the rules found by running it.
/// </summary>
[Trait("Category", "Deploy")]
public sealed partial class AspirateRouteTests : IAsyncLifetime
{
    /// <summary>The resource types aspirate turns into Kubernetes objects.</summary>
    private static readonly HashSet<string> TypesItReads = ["container.v0", "project.v0", "parameter.v0", "value.v0"];

    /// <summary>The variables aspirate puts in a Secret; every other goes in a ConfigMap.</summary>
    private static bool BecomesSecret(string variable) =>
        variable.StartsWith("ConnectionString", StringComparison.Ordinal) || variable is "POSTGRES_PASSWORD" or "MSSQL_SA_PASSWORD";

    private readonly DirectoryInfo _scratch = Directory.CreateTempSubdirectory("chat-aspirate-");
    private AspireManifest _manifest = null!;

    public async ValueTask InitializeAsync() => _manifest = AspireManifest.Load(await DeployFiles.PublishManifestAsync(_scratch.FullName));

    public ValueTask DisposeAsync()
    {
        _scratch.Delete(recursive: true);
        return default;
    }

    [Fact]
    public void Every_resource_is_of_a_type_aspirate_reads()
    {
        Assert.All(_manifest.Resources.Keys, name => Assert.Contains(_manifest.Type(name), TypesItReads));
    }

    /// <summary>
    /// aspirate replaces every parameter's default, a fixed value included, with a random string: only a secret
    /// whose default is generated may have one; a setting is a plain value, and what an operator must choose has none.
    /// </summary>
    [Fact]
    public void No_parameter_with_a_default_carries_configuration()
    {
        foreach (var parameter in _manifest.OfType("parameter.v0"))
        {
            var value = _manifest.Resource(parameter)["inputs"]?["value"];
            var @default = value?["default"];
            if (@default is null)
            {
                continue;
            }

            Assert.True(_manifest.IsSecret(parameter) && @default["generate"] is not null,
                $"{parameter} has a default ({@default.ToJsonString()}) that aspirate would replace with a random string.");
        }
    }

    [Fact]
    public void Every_variable_that_carries_a_secret_has_a_name_aspirate_puts_in_a_Secret()
    {
        // Secret parameters, and every resource whose connection string holds one, however indirectly.
        var secrets = _manifest.OfType("parameter.v0").Where(_manifest.IsSecret).ToHashSet();
        while (_manifest.Resources.Keys.Where(r => !secrets.Contains(r)
                   && Parameters(_manifest.Resource(r)["connectionString"]?.ToString()).Any(secrets.Contains)).ToList() is { Count: > 0 } more)
        {
            secrets.UnionWith(more);
        }

        foreach (var resource in _manifest.OfType("project.v0").Concat(_manifest.OfType("container.v0")))
        {
            foreach (var (variable, value) in AspireManifest.Strings(_manifest.Resource(resource)["env"]))
            {
                var carried = Parameters(value).Where(secrets.Contains).ToList();
                Assert.True(carried.Count == 0 || BecomesSecret(variable),
                    $"{resource}: {variable} carries {string.Join(", ", carried)} but aspirate would put it in a ConfigMap.");
            }
        }
    }

    /// <summary>aspirate makes every project a Deployment, which Kubernetes restarts whenever its process ends.</summary>
    [Fact]
    public void No_project_runs_to_completion()
    {
        Assert.All(_manifest.OfType("project.v0"), project =>
        {
            Assert.NotNull(_manifest.Resource(project)["bindings"]?["http"]);
            Assert.Empty(AspireManifest.List(_manifest.Resource(project)["args"]));
        });
    }

    [Fact]
    public void No_https_port_is_published_where_nothing_serves_TLS()
    {
        foreach (var resource in _manifest.OfType("project.v0").Concat(_manifest.OfType("container.v0")))
        {
            var bindings = _manifest.Resource(resource)["bindings"]?.AsObject() ?? [];
            Assert.DoesNotContain(bindings, b => (string?)b.Value?["scheme"] == "https");
        }
    }

    /// <summary>The names of the parameters and resources an expression refers to: <c>{name.value}</c>, <c>{name.connectionString}</c>.</summary>
    private static IEnumerable<string> Parameters(string? expression) =>
        expression is null ? [] : Reference().Matches(expression).Select(m => m.Groups[1].Value);

    [GeneratedRegex(@"\{([a-z0-9-]+)\.(?:value|connectionString)\}")]
    private static partial Regex Reference();
}
