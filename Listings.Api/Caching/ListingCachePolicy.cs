using System.Globalization;
using Listings.Api.Consistency;
using Listings.Api.Input;
using Listings.Api.Listings;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.Primitives;
using NpgsqlTypes;

namespace Listings.Api.Caching;

/// <summary>
/// The public reads' cache policy, after Output Caching's default one (which keeps GET and HEAD only, skips signed-in
/// requests and <c>Set-Cookie</c> answers, and stores 200s only): one entry per read as the API understands it (the
/// parsed query, so <c>?page=1</c> and <c>?pageSize=20&amp;page=1</c> share it) and its current version
/// (<see cref="ListingCache"/>), skipped by a read whose <c>Listings-Consistency</c> token is past the entry, and never
/// stored from a fill that raced an eviction or whose client left (a truncated body, aspnetcore#56427).
/// </summary>
public sealed class ListingCachePolicy(ListingCache cache, CacheOptions options, ListenerState listener, TimeProvider clock) : IOutputCachePolicy
{
    /// <summary>The <see cref="HttpContext.Items"/> key of the position a fill read at, set by <see cref="ListingReads"/>.</summary>
    public const string ReadFloorItem = "listings.cache.read-floor";

    /// <summary>The <see cref="HttpContext.Items"/> key of the listings a fill's answer shows, set by <see cref="ListingReads"/>.</summary>
    public const string ShowsItem = "listings.cache.shows";

    private const string FillItem = "listings.cache.fill";

    /// <summary>True when the request may fill the cache with its answer.</summary>
    public static bool IsFill(HttpContext http) => http.Items.ContainsKey(FillItem);

    /// <summary>The key of the read of listing <paramref name="id"/>.</summary>
    public static string ListingKey(long id) => string.Create(CultureInfo.InvariantCulture, $"listing:{id}");

    /// <inheritdoc />
    public ValueTask CacheRequestAsync(OutputCacheContext context, CancellationToken cancellation)
    {
        var http = context.HttpContext;
        if (!options.Enabled)
        {
            context.EnableOutputCaching = false;
            return ValueTask.CompletedTask;
        }

        if (!context.AllowCacheLookup && !context.AllowCacheStorage)
        {
            // The default policy refused it: a write, or a signed-in request.
            return ValueTask.CompletedTask;
        }

        if (Key(http) is not { } key || !ConsistencyToken.TryRead(http.Request, out var after))
        {
            // A request the handler refuses (400): nothing to look up or store.
            context.AllowCacheLookup = context.AllowCacheStorage = false;
            return ValueTask.CompletedTask;
        }

        // The read's current version is part of the key: a write changes it before it answers, so no later request finds
        // an entry, or waits for a fill, from before the write.
        var version = cache.Version(key.Value, key.Page, key.Filtered);
        context.CacheVaryByRules.QueryKeys = StringValues.Empty;
        context.CacheVaryByRules.VaryByValues["read"] = string.Create(CultureInfo.InvariantCulture, $"{key.Value}#{version}");
        context.Tags.Add(ListingCache.AllTag);
        context.Tags.Add(ListingCache.ReadTag(key.Value));

        // A write this replica may not have heard of is at most MaxStaleSeconds old: while the listener has not confirmed
        // within that bound, only entries younger than it are served, and new ones live no longer.
        var maxStale = TimeSpan.FromSeconds(options.MaxStaleSeconds);
        var hearing = listener.HeardWithin(maxStale);
        context.ResponseExpirationTimeSpan = hearing ? TimeSpan.FromSeconds(options.TimeToLiveSeconds) : maxStale;
        if (!hearing && !cache.StoredWithin(key.Value, version, maxStale))
        {
            context.AllowCacheLookup = false;
            CacheMetrics.Bypassed("listener-silent");
        }
        else if (after is { } position && !cache.Covers(key.Value, version, position))
        {
            // The entry, or a fill under way, may predate the client's write (one this replica has not heard of yet): read
            // afresh, at or past the token, without waiting for another request's read, and store that.
            context.AllowCacheLookup = false;
            context.AllowLocking = false;
            CacheMetrics.Bypassed("token");
        }

        // Output Caching (10.0.12) hands the requests waiting for a fill the fill's own exception, a 500 for each: so a fill
        // runs to its end even when its client leaves (bounded by the admission and statement timeouts), is then not
        // stored, and they read for themselves.
        http.Items[FillItem] = new Fill(key.Value, version, clock.GetTimestamp(), http.RequestAborted);
        http.RequestAborted = CancellationToken.None;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask ServeFromCacheAsync(OutputCacheContext context, CancellationToken cancellation)
    {
        // A read that waited for a concurrent identical one is served from its fill: it began before the fill was stored.
        var coalesced = context.HttpContext.Items[FillItem] is Fill fill && cache.StoredAfter(fill.Key, fill.Version, fill.StartedAt);
        CacheMetrics.Hit(coalesced);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask ServeResponseAsync(OutputCacheContext context, CancellationToken cancellation)
    {
        var http = context.HttpContext;
        if (http.Items[FillItem] is not Fill fill || !context.AllowCacheStorage)
        {
            return ValueTask.CompletedTask;
        }

        CacheMetrics.Missed();

        // Not stored when its client left (the body may be cut short, aspnetcore#56427) or a write changed the read's
        // version meanwhile; the requests waiting for it then read for themselves.
        if (fill.ClientLeft.IsCancellationRequested
            || http.Items[ReadFloorItem] is not NpgsqlLogSequenceNumber readAt
            || http.Items[ShowsItem] is not IReadOnlyList<long> shows
            || !cache.TryStore(fill.Key, fill.Version, shows, readAt))
        {
            context.AllowCacheStorage = false;
        }

        return ValueTask.CompletedTask;
    }

    // The read's key, from the request as the handler will read it, and whether it is a page (with a filter); null for
    // a request the handler refuses.
    private static (string Value, bool Page, bool Filtered)? Key(HttpContext http)
    {
        // What StorableTextFilter refuses is the handler's 400, never an entry's 200.
        if (http.Request.Query.Any(parameter => !StorableText.IsStorable(parameter.Key) || parameter.Value.Any(value => !StorableText.IsStorable(value)))
            || http.Request.RouteValues.Values.Any(value => value is string text && !StorableText.IsStorable(text)))
        {
            return null;
        }

        if (http.Request.RouteValues.TryGetValue("id", out var routeId))
        {
            return long.TryParse(routeId as string, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                ? (ListingKey(id), false, false)
                : null;
        }

        var errors = ListingQueryParser.Parse(http.Request.Query, out var query);
        return errors.Count > 0 || query is null
            ? null
            : (string.Create(CultureInfo.InvariantCulture,
                $"page:{query.Page}:{query.PageSize}:{query.City?.Length}:{query.City}:{query.MinPrice}:{query.MaxPrice}:{query.After?.CreatedAt.UtcTicks}:{query.After?.Id}"),
                true, query.City is not null || query.MinPrice is not null || query.MaxPrice is not null);
    }

    private sealed record Fill(string Key, long Version, long StartedAt, CancellationToken ClientLeft);
}
