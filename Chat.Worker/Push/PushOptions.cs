using System.ComponentModel.DataAnnotations;

namespace Chat.Worker.Push;

public sealed class PushOptions
{
    public const string SectionName = "Push";

    /// <summary>A Google service-account key (JSON) with FCM rights. Empty: push is disabled.</summary>
    public string? ServiceAccountJson { get; set; }

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
}
