using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Chat.Api;

/// <summary>Declares the bearer scheme in the OpenAPI document, so generated clients send the access token.</summary>
internal sealed class BearerSecuritySchemeTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes["Bearer"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "The accessToken from /api/auth/login, /register or /refresh.",
        };
        return Task.CompletedTask;
    }
}
