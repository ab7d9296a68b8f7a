using Chat.Worker;
using Chat.Worker.Migrations;

if (args is [MigrationCommand.Name, ..])
{
    return await MigrationCommand.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddWorkerServices();

var app = builder.Build();

app.MapDefaultEndpoints();

await app.RunAsync();
return 0;
