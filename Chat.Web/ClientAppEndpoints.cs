using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Chat.Web;

/// <summary>Serves the single-page app: its hashed assets cached for good, index.html for every other path.</summary>
public static class ClientAppEndpoints
{
    // Scripts and styles come from this origin only; the app talks to this origin (the hub's WebSocket too) and to
    // blob storage, for attachments' bytes. Images it decrypted are shown from blob: URLs it made itself.
    private static string ContentSecurityPolicy(string? storageOrigin) =>
        $"default-src 'self'; connect-src 'self'{(storageOrigin is null ? "" : " " + storageOrigin)}; img-src 'self' data: blob:; media-src 'self' blob:; "
        + "style-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

    public static WebApplication MapClientApp(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<ClientAppOptions>>().Value;
        var root = Path.Combine(app.Environment.ContentRootPath, options.Path);
        if (!File.Exists(Path.Combine(root, "index.html")))
        {
            throw new InvalidOperationException($"The client app is not built: {root} has no index.html. Build Chat.Web (it runs npm).");
        }

        var files = new PhysicalFileProvider(root);
        var contentSecurityPolicy = ContentSecurityPolicy(options.StorageOrigin?.TrimEnd('/'));
        app.Use(async (context, next) =>
        {
            context.Response.Headers["Content-Security-Policy"] = contentSecurityPolicy;
            context.Response.Headers.XContentTypeOptions = "nosniff";
            context.Response.Headers["Referrer-Policy"] = "no-referrer";
            await next();
        });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            ContentTypeProvider = new FileExtensionContentTypeProvider(),
            OnPrepareResponse = context => context.Context.Response.Headers.CacheControl =
                context.Context.Request.Path.StartsWithSegments("/assets")
                    ? "public, max-age=31536000, immutable" // Vite names them by content hash
                    : "no-cache",
        });

        // Client-side routes (/login, /c/{id}...) all load the app; unknown /api paths stay the API's 404s.
        app.MapFallbackToFile("index.html", new StaticFileOptions
        {
            FileProvider = files,
            OnPrepareResponse = context => context.Context.Response.Headers.CacheControl = "no-cache",
        });
        return app;
    }
}
