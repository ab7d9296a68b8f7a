namespace Chat.AppHost;

public static class SecretEnvironment
{
    /// <summary>
    /// Gives a service a secret parameter as the connection string of the same name (<c>ConnectionStrings__name</c>),
    /// which the service maps to its setting (SecretSettings.UseSecret). Connection strings are what both routes to a
    /// cluster keep in a Kubernetes Secret: aspirate puts every other variable in a ConfigMap.
    /// </summary>
    public static IResourceBuilder<T> WithSecret<T>(this IResourceBuilder<T> resource, IResourceBuilder<ParameterResource> secret)
        where T : IResourceWithEnvironment =>
        resource.WithEnvironment($"ConnectionStrings__{secret.Resource.Name}", secret);

    /// <summary>Waits for the migrations resource to finish, where there is one (the local run; not a deployment).</summary>
    public static IResourceBuilder<T> WaitForMigrations<T>(this IResourceBuilder<T> resource, IResourceBuilder<ProjectResource>? migrations)
        where T : IResourceWithWaitSupport =>
        migrations is null ? resource : resource.WaitForCompletion(migrations);
}
