using System.ComponentModel.DataAnnotations;

namespace Chat.Api.Realtime;

/// <summary>Where clients connect: one realtime address per region, chosen by the edge's region hint.</summary>
public sealed class RealtimeRegionOptions : IValidatableObject
{
    public const string SectionName = "RealtimeRegions";

    /// <summary>The header the edge (CDN, load balancer) sets to the client's region or country, e.g. Cloudflare's.</summary>
    [Required]
    public string RegionHeader { get; set; } = "CF-IPCountry";

    /// <summary>The region of clients whose hint is missing or matches no region.</summary>
    [Required]
    public string DefaultRegion { get; set; } = "";

    [MinLength(1)]
    public List<RealtimeRegion> Regions { get; set; } = [];

    /// <summary>The region that serves a hint (a country code or a region name), else the default region.</summary>
    public RealtimeRegion Pick(string? hint)
    {
        hint = hint?.Trim();
        return (string.IsNullOrEmpty(hint)
                ? null
                : Regions.FirstOrDefault(r => r.Hints.Contains(hint, StringComparer.OrdinalIgnoreCase))
                    ?? Regions.FirstOrDefault(r => string.Equals(r.Name, hint, StringComparison.OrdinalIgnoreCase)))
            ?? Regions.First(r => r.Name == DefaultRegion);
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Regions.All(r => r.Name != DefaultRegion))
        {
            yield return new ValidationResult($"The default region '{DefaultRegion}' is not among the regions.", [nameof(DefaultRegion)]);
        }

        foreach (var region in Regions.Where(r => string.IsNullOrWhiteSpace(r.Name) || !Uri.TryCreate(r.Url, UriKind.Absolute, out _)))
        {
            yield return new ValidationResult($"Region '{region.Name}' needs a name and an absolute URL.", [nameof(Regions)]);
        }
    }
}

public sealed class RealtimeRegion
{
    public string Name { get; set; } = "";

    /// <summary>The hub's public address in this region, e.g. https://eu.chat.example.com/hubs/chat.</summary>
    public string Url { get; set; } = "";

    /// <summary>The region hints (ISO 3166 country codes, or region names) that this region serves.</summary>
    public List<string> Hints { get; set; } = [];
}
