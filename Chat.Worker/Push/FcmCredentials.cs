using Google.Apis.Auth.OAuth2;
using Microsoft.Extensions.Options;

namespace Chat.Worker.Push;

/// <summary>
/// OAuth 2.0 access tokens for FCM from the service-account key. Google.Apis.Auth caches a token and refreshes it
/// shortly before it expires, so each push costs no token request.
/// </summary>
public sealed class FcmCredentials
{
    public const string Scope = "https://www.googleapis.com/auth/firebase.messaging";

    private readonly ITokenAccess _credential;

    public FcmCredentials(IOptions<PushOptions> options)
    {
        var key = options.Value.ServiceAccountKey();
        ProjectId = key["project_id"]?.GetValue<string>() ?? throw new InvalidOperationException("The service-account key has no project_id.");
        if (options.Value.TokenUri is { } tokenUri)
        {
            key["token_uri"] = tokenUri;
        }

        _credential = CredentialFactory.FromJson<ServiceAccountCredential>(key.ToJsonString()).ToGoogleCredential().CreateScoped(Scope);
    }

    public string ProjectId { get; }

    public Task<string> GetAccessTokenAsync(CancellationToken cancellationToken) =>
        _credential.GetAccessTokenForRequestAsync(cancellationToken: cancellationToken);
}
