using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Chat.Api;
using Chat.Api.Auth;
using Chat.Api.Calls;
using Chat.Realtime;
using Chat.Web;
using Chat.Worker;
using Chat.Worker.Migrations;
using Chat.Worker.Push;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using StackExchange.Redis;

namespace Chat.Tests.Hosting;

/// <summary>
/// The AppHost hands each service only what it reads. Each secret a service's environment names (a secret
/// parameter, or a connection string, which carries a password) must have a reader among the services that
/// service registers; otherwise the secret is exposed to a process for nothing.
/// </summary>
[Trait("Category", "Unit")]
public sealed class ServiceSecretsTests
{
    /// <summary>A secret setting, and the service registration whose presence shows that a service reads it.</summary>
    private static readonly Dictionary<string, Type> ReaderOf = new()
    {
        [$"ConnectionStrings__{AccessTokenSigningOptions.SecretName}"] = typeof(IConfigureOptions<AccessTokenSigningOptions>),
        [$"ConnectionStrings__{PushOptions.SecretName}"] = typeof(IConfigureOptions<PushOptions>),
        ["ConnectionStrings__chatdb"] = typeof(NpgsqlDataSource),
        // The worker migrates with it at start (Program.cs), before it registers its services, which read the database.
        [$"ConnectionStrings__{MigrationCommand.OwnerConnectionName}"] = typeof(NpgsqlDataSource),
        ["ConnectionStrings__redis"] = typeof(IConnectionMultiplexer),
        [$"ConnectionStrings__{TurnOptions.SecretName}"] = typeof(IConfigureOptions<TurnOptions>),
        ["ConnectionStrings__blobs"] = typeof(Azure.Storage.Blobs.BlobContainerClient),
    };

    /// <summary>Each project resource of the published AppHost (no migrations resource: the worker migrates), and the registration its process runs.</summary>
    private static readonly Dictionary<string, Action<IHostApplicationBuilder>> Services = new()
    {
        ["api"] = builder => builder.AddApiServices(),
        ["realtime"] = builder => builder.AddRealtimeServices(),
        ["worker"] = builder => builder.AddWorkerServices(),
        ["web"] = builder => builder.AddWebServices(),
    };

    [Fact]
    public async Task Every_secret_a_service_is_given_is_one_it_reads()
    {
        var ct = TestContext.Current.CancellationToken;
        var output = Directory.CreateTempSubdirectory("chat-manifest-");
        try
        {
            using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Chat_AppHost>(
                ["--publisher", "manifest", "--output-path", Path.Combine(output.FullName, "manifest.json")], ct);
            var projects = builder.Resources.OfType<ProjectResource>().ToList();
            Assert.Equal(Services.Keys.Order(), projects.Select(p => p.Name).Order());

            var given = new List<string>();
            foreach (var project in projects)
            {
                var environment = await EnvironmentOfAsync(project, builder.ExecutionContext);
                var secrets = environment.Where(e => IsSecret(e.Value)).Select(e => e.Key).ToList();
                var registered = Registrations(Services[project.Name]);
                foreach (var secret in secrets)
                {
                    Assert.True(ReaderOf.TryGetValue(secret, out var reader), $"{project.Name} is given the secret {secret}, which no known service reads");
                    Assert.True(registered.Contains(reader), $"{project.Name} is given the secret {secret} but never reads it");
                    given.Add($"{project.Name}:{secret}");
                }
            }

            // The secrets the system cannot run without do reach a reader: the check above is not vacuous.
            Assert.Contains($"api:ConnectionStrings__{AccessTokenSigningOptions.SecretName}", given);
            Assert.DoesNotContain($"realtime:ConnectionStrings__{AccessTokenSigningOptions.SecretName}", given);
            Assert.Contains($"worker:ConnectionStrings__{PushOptions.SecretName}", given);
            Assert.Contains($"worker:ConnectionStrings__{MigrationCommand.OwnerConnectionName}", given);
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    /// <summary>The environment the AppHost gives a project, as values of the model (parameters, references, expressions).</summary>
    private static async Task<Dictionary<string, object>> EnvironmentOfAsync(ProjectResource project, DistributedApplicationExecutionContext executionContext)
    {
        var context = new EnvironmentCallbackContext(executionContext, project);
        foreach (var callback in project.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(context);
        }

        return context.EnvironmentVariables;
    }

    /// <summary>A secret parameter, a connection string (it carries a password), or an expression built from one.</summary>
    private static bool IsSecret(object value) => value switch
    {
        ParameterResource parameter => parameter.Secret,
        ConnectionStringReference or IResourceWithConnectionString => true,
        ReferenceExpression expression => expression.ValueProviders.Any(IsSecret),
        _ => false,
    };

    private static HashSet<Type> Registrations(Action<IHostApplicationBuilder> register)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        register(builder);
        return builder.Services.Select(s => s.ServiceType).ToHashSet();
    }
}
