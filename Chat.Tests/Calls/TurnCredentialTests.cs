using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;
using Chat.Api.Calls;
using Chat.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Chat.Tests.Calls;

/// <summary>
/// TURN credentials from the API against the real relay the AppHost runs (coturn): an allocation with them
/// succeeds; with a wrong password, or an expired username, it fails. The TURN client is coturn's own
/// turnutils_uclient, which allocates relays for two clients and counts the packets that pass between them.
/// </summary>
public sealed class TurnCredentialTests(ChatApp chat) : DistributedTest(chat)
{
    [Fact]
    public async Task Credentials_from_the_API_allocate_a_relay_and_wrong_or_expired_ones_do_not()
    {
        var user = await TestUser.RegisterAsync(Chat);
        using var api = user.Api(Chat);
        var credentials = await ApiClient.ReadAsync<JsonElement>(await api.GetAsync("/api/calls/turn"));
        var username = credentials.GetProperty("username").GetString()!;
        var password = credentials.GetProperty("password").GetString()!;
        var ttl = credentials.GetProperty("ttl").GetInt32();
        var uris = credentials.GetProperty("uris").EnumerateArray().Select(u => u.GetString()!).ToList();

        var expiry = long.Parse(username.Split(':')[0]);
        Assert.Equal($"{expiry}:{user.Id}", username);
        Assert.InRange(expiry - DateTimeOffset.UtcNow.ToUnixTimeSeconds(), ttl - 60, ttl + 5);
        Assert.Contains(uris, u => u.EndsWith("?transport=udp", StringComparison.Ordinal));
        Assert.Contains(uris, u => u.EndsWith("?transport=tcp", StringComparison.Ordinal));
        var relay = new Uri(uris[0].Replace("turn:", "turn://", StringComparison.Ordinal));

        await RelaysAsync(relay, username, password);
        await RefusedAsync(relay, username, "not the password");

        var secret = await TurnSecretAsync();
        var expired = $"{DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds()}:{user.Id}";
        await RefusedAsync(relay, expired, PasswordFor(expired, secret));
        // The same scheme with a live expiry works: the refusal above is the expiry's.
        var live = $"{DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds()}:{user.Id}";
        await RelaysAsync(relay, live, PasswordFor(live, secret));
    }

    [Fact]
    public async Task Only_a_signed_in_user_gets_credentials()
    {
        using var anonymous = new ApiClient(Chat);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/calls/turn")).StatusCode);
    }

    private static string PasswordFor(string username, string secret) =>
        Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(username)));

    private async Task<string> TurnSecretAsync()
    {
        var parameter = Chat.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ParameterResource>()
            .Single(p => p.Name == "turn-secret");
        return (await parameter.GetValueAsync(TestContext.Current.CancellationToken))!;
    }

    /// <summary>Both of turnutils_uclient's clients allocated a relay, and every packet went through them.</summary>
    private static async Task RelaysAsync(Uri relay, string username, string password)
    {
        var (exitCode, output) = await UclientAsync(relay, username, password);
        Assert.True(exitCode == 0 && output.Contains("Total lost packets 0 ", StringComparison.Ordinal), output);
    }

    /// <summary>The relay refused the allocation (its exit code alone would not say why).</summary>
    private static async Task RefusedAsync(Uri relay, string username, string password)
    {
        var (exitCode, output) = await UclientAsync(relay, username, password);
        Assert.True(exitCode != 0 && output.Contains("Cannot complete Allocation", StringComparison.Ordinal), output);
    }

    private static async Task<(int ExitCode, string Output)> UclientAsync(Uri relay, string username, string password)
    {
        using var client = Process.Start(new ProcessStartInfo("turnutils_uclient",
            ["-y", "-n", "4", "-u", username, "-w", password, "-p", relay.Port.ToString(), relay.Host])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = client.StandardOutput.ReadToEndAsync();
        var errors = client.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await client.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            client.Kill(entireProcessTree: true);
            throw;
        }

        return (client.ExitCode, await output + await errors);
    }
}

[Trait("Category", "Unit")]
public sealed class TurnOptionsTests
{
    [Fact]
    public void Credentials_are_coturn_s_rest_form_for_the_user_and_lifetime()
    {
        var options = new TurnOptions { Secret = "a secret of sixteen+", Uris = ["turn:relay.example.com:3478?transport=udp"], CredentialLifetime = TimeSpan.FromHours(2) };
        var now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        var userId = Guid.Parse("0194b8a2-7c1e-7d3a-9f10-2b3c4d5e6f70");

        var credentials = TurnCredentials.For(userId, options, now);

        Assert.Equal("1800007200:0194b8a2-7c1e-7d3a-9f10-2b3c4d5e6f70", credentials.Username);
        // From openssl: printf %s "$username" | openssl dgst -binary -sha1 -hmac "a secret of sixteen+" | base64
        Assert.Equal("c9xPlxsCw/wJvcDN2SUGt4qlH44=", credentials.Password);
        Assert.Equal(7200, credentials.Ttl);
        Assert.Equal(options.Uris, credentials.Uris);
    }

    [Fact]
    public void Without_a_secret_there_are_no_relays_and_a_short_secret_is_refused()
    {
        var off = new TurnOptions();
        Assert.False(off.Enabled);
        Assert.True(Validator.TryValidateObject(off, new ValidationContext(off), [], validateAllProperties: true));

        var weak = new TurnOptions { Secret = "short", Uris = ["turn:relay.example.com:3478"] };
        var results = new List<ValidationResult>();
        Assert.False(Validator.TryValidateObject(weak, new ValidationContext(weak), results, validateAllProperties: true));
        Assert.Contains(results, r => r.MemberNames.Contains(nameof(TurnOptions.Secret)));
    }

    [Theory]
    [InlineData("http://relay.example.com")]
    [InlineData("relay.example.com:3478")]
    public void An_address_that_is_not_a_turn_or_stun_uri_is_refused_at_start(string uri)
    {
        var options = new TurnOptions { Secret = "a secret of sixteen+", Uris = [uri] };
        var results = new List<ValidationResult>();
        Assert.False(Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true));
        Assert.Contains(results, r => r.ErrorMessage!.Contains(uri, StringComparison.Ordinal));
    }
}
