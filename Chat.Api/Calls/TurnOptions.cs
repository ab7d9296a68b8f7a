using System.ComponentModel.DataAnnotations;

namespace Chat.Api.Calls;

/// <summary>
/// The TURN relays calls use, and the secret they share with the API (coturn's REST-API scheme). Without a secret
/// there are no relays: calls connect directly where the networks allow it.
/// </summary>
public sealed class TurnOptions : IValidatableObject
{
    public const string SectionName = "Turn";

    /// <summary>The connection string the shared secret arrives as (<see cref="Microsoft.Extensions.Hosting.SecretSettings"/>).</summary>
    public const string SecretName = "turn-secret";

    /// <summary>coturn's <c>static-auth-secret</c>: the API signs credentials with it; the relay checks them with it.</summary>
    public string Secret { get; set; } = "";

    /// <summary>The relays' addresses as clients reach them (<c>turn:host:port?transport=udp</c>, ...).</summary>
    public List<string> Uris { get; set; } = [];

    public bool Enabled => Secret.Length > 0;

    /// <summary>How long credentials work: a client fetches them for each call; an allocation outlives them once made.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan CredentialLifetime { get; set; } = TimeSpan.FromHours(1);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Enabled && Secret.Length < 16)
        {
            yield return new ValidationResult("Turn:Secret must have at least 16 characters.", [nameof(Secret)]);
        }

        if (Enabled && Uris.Count == 0)
        {
            yield return new ValidationResult("Turn:Uris must name at least one relay when Turn:Secret is set.", [nameof(Uris)]);
        }

        foreach (var uri in Uris.Where(u => !u.StartsWith("turn:", StringComparison.Ordinal) && !u.StartsWith("turns:", StringComparison.Ordinal)
                                            && !u.StartsWith("stun:", StringComparison.Ordinal)))
        {
            yield return new ValidationResult($"Turn:Uris has '{uri}', which is not a turn:, turns: or stun: URI.", [nameof(Uris)]);
        }
    }
}
