using Chat.Worker;
using Chat.Worker.Migrations;

if (args is [MigrationCommand.Name, ..])
{
    return await MigrationCommand.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);

// Where no migrations step runs before the services (a deployment through aspirate), the worker brings the schema
// up to date first; the services wait for it by their readiness.
if (builder.Configuration.GetConnectionString(MigrationCommand.OwnerConnectionName) is { Length: > 0 } ownerConnection)
{
    await MigrationCommand.RunAtStartAsync(args, ownerConnection, builder.Configuration.GetConnectionString("chatdb"));
}

builder.AddServiceDefaults();
builder.AddWorkerServices();

var app = builder.Build();

app.MapDefaultEndpoints();

await app.RunAsync();
return 0;
