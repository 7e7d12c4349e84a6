using System.Net.Http.Json;

namespace Listings.Benchmarks.Faults.Load;

/// <summary>
/// The body of a write: a valid listing whose title is the run's marker followed by the write's key, so the rows a
/// key produced can be counted in SQL afterwards.
/// </summary>
public static class ListingBody
{
    /// <summary>Builds the JSON body for <paramref name="key"/>; the same key always gives the same body, as a retry must.</summary>
    /// <param name="marker">The run-and-scenario marker that starts every title.</param>
    /// <param name="key">The write's <c>Idempotency-Key</c>.</param>
    public static JsonContent For(string marker, string key) => JsonContent.Create(new
    {
        title = TitleOf(marker, key),
        description = "Written by the fault harness; its title names the Idempotency-Key it was sent with.",
        city = "Faultville",
        price = 980.00m,
        currency = "EUR",
        bedrooms = 1,
        bathrooms = 1,
        surfaceSquareMeters = 31.5m,
    });

    /// <summary>Gets the title a write with <paramref name="key"/> stores.</summary>
    /// <param name="marker">The run-and-scenario marker.</param>
    /// <param name="key">The key.</param>
    public static string TitleOf(string marker, string key) => $"{marker} {key}";
}
