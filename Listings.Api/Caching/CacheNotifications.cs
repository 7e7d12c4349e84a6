using System.Text.Json;
using System.Text.Json.Serialization;

namespace Listings.Api.Caching;

/// <summary>
/// The notification a write sends to every API replica's <see cref="CacheInvalidationListener"/>: <c>pg_notify</c> on
/// <see cref="Channel"/> inside the write's own transaction, so PostgreSQL delivers it at commit and drops it on rollback.
/// The payload names the sending replica, what the write made stale and the time, well under PostgreSQL's 8,000 bytes.
/// </summary>
public static class CacheNotifications
{
    /// <summary>The channel.</summary>
    public const string Channel = "listings_cache";

    /// <summary>This process, so its listener skips its own writes (evicted before they answered).</summary>
    public static readonly string Source = Guid.NewGuid().ToString("N");

    /// <summary>The payload for a write at <paramref name="at"/> that made <paramref name="evicts"/> stale.</summary>
    public static string Payload(CacheEviction evicts, DateTimeOffset at) =>
        JsonSerializer.Serialize(new Write(Source, evicts.Ids, at) { AllPages = evicts.AllPages, FilteredPages = evicts.FilteredPages }, CacheNotificationJson.Default.Write);

    /// <summary>The write a payload stands for, or null when it is not one of ours.</summary>
    public static Write? Read(string payload)
    {
        try
        {
            return JsonSerializer.Deserialize(payload, CacheNotificationJson.Default.Write);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A write as a notification carries it.</summary>
    /// <param name="Source">The replica that wrote.</param>
    /// <param name="Ids">The listings written.</param>
    /// <param name="At">When, by the writing replica's clock.</param>
    public sealed record Write(string Source, IReadOnlyList<long> Ids, DateTimeOffset At)
    {
        /// <summary>Every page is stale (a create or a delete).</summary>
        public bool AllPages { get; init; }

        /// <summary>Every page with a filter is stale (an update changed a city or a price).</summary>
        public bool FilteredPages { get; init; }

        /// <summary>What the write made stale.</summary>
        public CacheEviction Evicts => new(Ids, AllPages, FilteredPages);
    }
}

[JsonSerializable(typeof(CacheNotifications.Write))]
internal sealed partial class CacheNotificationJson : JsonSerializerContext;
