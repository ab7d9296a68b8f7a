using Chat.Data;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddChatDatabase();
builder.AddRedisClient("redis");

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();
