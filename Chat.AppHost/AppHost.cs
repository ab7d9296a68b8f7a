using Chat.AppHost;
using Chat.AppHost.Servers;

var builder = DistributedApplication.CreateBuilder(args);
var servers = ServerModeSelector.Select(builder);
var publishing = builder.ExecutionContext.IsPublishMode;

// Presence, revoked devices, and the channels that carry messages and events between realtime nodes.
var redis = builder.AddChatRedis("redis", servers);

// The durable store: accounts, conversations and every message. The migrations connect as the owner; the services
// as a role that reads and writes rows and owns nothing.
var chatdb = builder.AddChatPostgres("postgres", "chatdb", servers);
var appRolePassword = builder.AddParameter("postgres-app-password", new GenerateParameterDefault { MinLength = 32, Special = false },
    secret: true, persist: true);
var chatdbAsApp = chatdb.AppRoleConnectionString("chatdb", appRolePassword);

// Attachments' bytes: clients upload and download them straight to blob storage with grants from the API.
var blobs = builder.AddChatBlobStorage("blobs", servers);

// Signs access tokens (ES256): only the API holds it; the realtime nodes read its public half from the API. A
// deployment may give a PEM key or let its tool generate a random secret, which the API derives the key from.
var jwtSigningKey = builder.AddParameter("jwt-private-key",
        publishing ? new GenerateParameterDefault { MinLength = 32, Special = false } : new EcdsaKeyParameterDefault(), secret: true, persist: true)
    .WithDescription("ECDSA P-256 private key (PEM) that signs access tokens, or a random secret of 22 characters or more to derive it from.");

// Firebase Cloud Messaging for offline devices: optional (push is off without a key).
var fcmServiceAccount = builder.AddParameter("fcm-service-account",
        () => builder.Configuration["Parameters:fcm-service-account"] ?? "", secret: true)
    .WithDescription("Google service-account key with Firebase Cloud Messaging rights: its JSON, or the JSON in base64; empty disables push.");

// Services read connection strings only (ConnectionStrings__name), so that is all they are given.
const ReferenceEnvironmentInjectionFlags connectionStringsOnly = ReferenceEnvironmentInjectionFlags.ConnectionString;

// The only owner of the schema: applies EF Core migrations, then exits; every service waits for it. A deployment has
// no step that runs once in aspirate's route (it makes every project a Deployment): there the worker migrates at
// start, under an advisory lock (docs/deploy.md, "The schema").
var migrations = publishing ? null : builder.AddProject<Projects.Chat_Worker>("migrations", launchProfileName: null)
    .WithArgs("migrate")
    .WithReferenceEnvironment(connectionStringsOnly)
    .WithReference(chatdb).WaitFor(chatdb)
    .WithEnvironment("Database__AppRolePassword", appRolePassword);

// WebSocket nodes; two replicas so that cross-node routing through Redis is always exercised.
var realtime = builder.AddProject<Projects.Chat_Realtime>("realtime")
    .WithReplicas(2)
    .WithReferenceEnvironment(connectionStringsOnly)
    .WithEnvironment("ConnectionStrings__chatdb", chatdbAsApp).WaitForMigrations(migrations)
    .WithReference(redis).WaitFor(redis)
    .WithHttpHealthCheck("/health");

// REST: accounts, conversations, history, and which realtime address a client should use.
var api = builder.AddProject<Projects.Chat_Api>("api")
    .DisableForwardedHeaders()
    .WithReferenceEnvironment(connectionStringsOnly)
    .WithEnvironment("ConnectionStrings__chatdb", chatdbAsApp).WaitForMigrations(migrations)
    .WithReference(redis).WaitFor(redis)
    .WithSecret(jwtSigningKey)
    .WithReference(blobs).WaitFor(blobs)
    .WithHttpHealthCheck("/health");

// Not WaitFor(api): with the API's environment naming the realtime endpoint, that wait stalled Aspire's start. A
// node reports ready once it has fetched the keys instead.
realtime.WithEnvironment("Jwt__MetadataAddress", ReferenceExpression.Create($"{api.GetEndpoint("http")}/.well-known/openid-configuration"));

// One region here; a deployment lists its regions' public hub addresses (see docs/deploy.md).
api.WithEnvironment("RealtimeRegions__DefaultRegion", "default")
    .WithEnvironment("RealtimeRegions__Regions__0__Name", "default");

// The proxies whose X-Forwarded-For names the client (rate limits are per client address): none in a local run,
// where every client is this machine; the ingress's network in a cluster (docs/deploy.md).
// A published setting is a plain value, never a parameter with a default: aspirate replaces every such default with a
// random string. What an operator must choose is a parameter without one.
if (publishing)
{
    api.WithEnvironment("ForwardedHeaders__KnownNetworks", "10.0.0.0/8");
    var realtimePublicUrl = builder.AddParameter("realtime-public-url")
        .WithDescription("The realtime hub's public address, behind the ingress: https://<host>/hubs/chat.");
    api.WithEnvironment("RealtimeRegions__Regions__0__Url", realtimePublicUrl);
}
else
{
    var trustedProxyNetwork = builder.AddParameter("trusted-proxy-network", () => builder.Configuration["Parameters:trusted-proxy-network"] ?? "")
        .WithDescription("Comma-separated networks (CIDR) of the proxies in front of the API; X-Forwarded-For is trusted from them only.");
    api.WithEnvironment("ForwardedHeaders__KnownNetworks", trustedProxyNetwork);
    api.WithEnvironment("RealtimeRegions__Regions__0__Url", ReferenceExpression.Create($"{realtime.GetEndpoint("http")}/hubs/chat"));
}

// A TURN relay for calls: the API hands out time-limited credentials made with the secret the relay checks them by.
var turnSecret = builder.AddParameter("turn-secret", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);
if (publishing)
{
    // Clients reach the relay at its LoadBalancer's public address (docs/deploy.md), which coturn also announces;
    // 3478 is TurnServerExtensions.ClusterPort.
    var turnPublicAddress = builder.AddParameter("turn-public-address")
        .WithDescription("The TURN relay's public IP address: its LoadBalancer Service's external IP.");
    builder.AddClusterTurn("turn", turnSecret, turnPublicAddress);
    api.WithSecret(turnSecret)
        .WithEnvironment("Turn__Uris__0", ReferenceExpression.Create($"turn:{turnPublicAddress}:3478?transport=udp"))
        .WithEnvironment("Turn__Uris__1", ReferenceExpression.Create($"turn:{turnPublicAddress}:3478?transport=tcp"));
}
else
{
    var (turn, turnEndpoint) = builder.AddChatTurn("turn", servers, turnSecret);
    api.WithSecret(turnSecret)
        .WithEnvironment("Turn__Uris__0", ReferenceExpression.Create($"turn:127.0.0.1:{turnEndpoint.Property(EndpointProperty.Port)}?transport=udp"))
        .WithEnvironment("Turn__Uris__1", ReferenceExpression.Create($"turn:127.0.0.1:{turnEndpoint.Property(EndpointProperty.Port)}?transport=tcp"))
        .WaitFor(turn);
}

// Work that must not block a sender: push notifications, retries, clean-up.
var worker = builder.AddProject<Projects.Chat_Worker>("worker")
    .WithReferenceEnvironment(connectionStringsOnly)
    .WithEnvironment("ConnectionStrings__chatdb", chatdbAsApp).WaitForMigrations(migrations)
    .WithReference(redis).WaitFor(redis)
    .WithSecret(fcmServiceAccount)
    .WithReference(blobs).WaitFor(blobs)
    .WithHttpHealthCheck("/health");
if (publishing)
{
    worker.WithEnvironment("ConnectionStrings__chatdb-owner", chatdb);
}
else
{
    // FCM's address is configurable for the tests' stand-in; a deployment talks to Google's.
    var fcmBaseAddress = builder.AddParameter("fcm-base-address", () => builder.Configuration["Parameters:fcm-base-address"] ?? "https://fcm.googleapis.com");
    worker.WithEnvironment("Push__FcmBaseAddress", fcmBaseAddress);
}

// The browser client: serves the app and forwards /api and /hubs, so the app, the API and the hub share one origin.
// Plain HTTP inside: TLS ends in front of it (the ingress in a cluster).
var web = builder.AddProject<Projects.Chat_Web>("web")
    .WithReference(api.GetEndpoint("http")).WaitFor(api)
    .WithReference(realtime.GetEndpoint("http"))
    .WithExternalHttpEndpoints()
    .WithHttpHealthCheck("/health");

// The web app uploads and downloads attachments straight to the emulator, which lets any origin do so (CORS):
// the grant in each URL is what authorizes, and it travels with no cookie. A deployment names its web origin.
if (!builder.ExecutionContext.IsPublishMode)
{
    api.WithEnvironment("Attachments__BrowserOrigins__0", "*");
    web.WithEnvironment("ClientApp__StorageOrigin", BlobStorageExtensions.Origin(blobs));
}

// Nothing in the cluster serves TLS itself (it ends at the ingress): no project publishes an https port.
if (publishing)
{
    PublishedEndpoints.RemoveHttps(builder);
}

builder.Build().Run();
