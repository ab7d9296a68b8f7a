using Chat.Tests.Infrastructure;
using Npgsql;

namespace Chat.Tests.Auth;

public sealed class SecretStorageTests(ChatApp chat) : DistributedTest(chat)
{
    [Fact]
    public async Task No_password_or_refresh_token_is_stored_in_plain_text()
    {
        var user = await TestUser.RegisterAsync(Chat);
        var refreshed = await user.LoginAsync(Chat);

        await using var db = new NpgsqlConnection(await Chat.ConnectionStringAsync("chatdb"));
        await db.OpenAsync(TestContext.Current.CancellationToken);
        var rows = new List<string>();
        foreach (var table in new[] { "users", "devices", "refresh_tokens" })
        {
            // Every column of every row, as text; refresh_tokens' hash column shows as hex.
            await using var command = new NpgsqlCommand($"SELECT row_to_json(t)::text FROM {table} t WHERE t.{(table == "users" ? "id" : "user_id")} = @id", db);
            command.Parameters.AddWithValue("id", user.Id);
            await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            {
                rows.Add(reader.GetString(0));
            }
        }

        Assert.Contains(rows, r => r.Contains(user.Username));
        Assert.Equal(5, rows.Count); // one user, two devices, two refresh tokens
        foreach (var secret in new[] { user.Password, user.Tokens.RefreshToken, refreshed.RefreshToken })
        {
            Assert.DoesNotContain(rows, r => r.Contains(secret));
        }
    }
}
