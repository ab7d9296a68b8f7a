using System.ComponentModel.DataAnnotations;
using System.Text;
using System.Text.Json.Nodes;

namespace Chat.Worker.Push;

public sealed class PushOptions : IValidatableObject
{
    public const string SectionName = "Push";

    /// <summary>The connection string the key arrives as (<see cref="Microsoft.Extensions.Hosting.SecretSettings"/>).</summary>
    public const string SecretName = "fcm-service-account";

    /// <summary>
    /// A Google service-account key with FCM rights: its JSON, or the JSON in base64 (one line, which survives
    /// command-line tools and YAML that mangle braces and quotes). Empty: push is disabled.
    /// </summary>
    public string? ServiceAccountJson { get; set; }

    /// <summary>The key's JSON, in whichever form it was given.</summary>
    public JsonObject ServiceAccountKey()
    {
        var text = ServiceAccountJson!.Trim();
        return JsonNode.Parse(text.StartsWith('{') ? text : Encoding.UTF8.GetString(Convert.FromBase64String(text)))!.AsObject();
    }

    /// <summary>Where the FCM HTTP v1 API lives; tests point it at a local stub.</summary>
    [Required, Url]
    public string FcmBaseAddress { get; set; } = "https://fcm.googleapis.com";

    /// <summary>Overrides the key's <c>token_uri</c>, Google's OAuth 2.0 token endpoint.</summary>
    [Url]
    public string? TokenUri { get; set; }

    /// <summary>Attempts per push for 429 and 5xx answers, with exponential backoff and jitter; Retry-After wins.</summary>
    [Range(1, 10)]
    public int MaxAttempts { get; set; } = 5;

    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often an idle worker looks for new outbox entries without being told of them. It is told at each commit
    /// (<see cref="PushOutboxListener"/>); this poll only bounds a push's delay while that notice cannot arrive.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan SafetyPollInterval { get; set; } = TimeSpan.FromSeconds(30);

    [Range(1, 1000)]
    public int BatchSize { get; set; } = 500;

    /// <summary>How long processed outbox entries are kept (for looking into a push), before clean-up deletes them.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00")]
    public TimeSpan RetainProcessedFor { get; set; } = TimeSpan.FromDays(1);

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan CleanupInterval { get; set; } = TimeSpan.FromHours(1);

    public bool Enabled => !string.IsNullOrWhiteSpace(ServiceAccountJson);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enabled)
        {
            yield break;
        }

        string? problem = null;
        try
        {
            if (ServiceAccountKey()["private_key"] is null)
            {
                problem = "has no private_key";
            }
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException or InvalidOperationException)
        {
            problem = "is neither JSON nor base64 of JSON";
        }

        if (problem is not null)
        {
            yield return new ValidationResult($"Push:ServiceAccountJson {problem}: give the service-account key's JSON file, or its base64.", [nameof(ServiceAccountJson)]);
        }
    }
}
