namespace Chat.AppHost;

public static class PublishedEndpoints
{
    /// <summary>
    /// Drops the https endpoint each project takes from its launch profile: in a cluster TLS ends at the ingress and
    /// the services listen on http only, so a published https port (aspirate makes one, 8443, on the container and
    /// its Service) would lead nowhere.
    /// </summary>
    public static void RemoveHttps(IDistributedApplicationBuilder builder)
    {
        foreach (var project in builder.Resources.OfType<ProjectResource>())
        {
            foreach (var https in project.Annotations.OfType<EndpointAnnotation>().Where(e => e.UriScheme == "https").ToList())
            {
                project.Annotations.Remove(https);
            }
        }
    }
}
