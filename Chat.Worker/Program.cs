using Chat.Data;
using Chat.Worker.Migrations;
using Chat.Worker.Push;

if (args is [MigrationCommand.Name, ..])
{
    return await MigrationCommand.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddChatDatabase();
builder.AddRedisClient("redis");
builder.Services.AddPush();

var app = builder.Build();

app.MapDefaultEndpoints();

await app.RunAsync();
return 0;
