using Listings.Api.Caching;
using Listings.Api.Data;
using Listings.ServiceDefaults.ConnectionPool;
using NpgsqlTypes;

namespace Listings.Api.Listings;

/// <summary>
/// The public reads, bound from the request's services with <c>[AsParameters]</c>: run on a read replica when one fits
/// (<see cref="ReadRouter{TContext}"/>), else on the primary.
/// </summary>
public sealed class ListingReads(ReadRouter<ListingsDbContext> router, ListingCountCache counts, ListingCache cache)
{
    /// <summary>The public reads' cache, whose floor a fill reads at.</summary>
    public ListingCache Cache { get; } = cache;

    /// <summary>Chooses the host of each read.</summary>
    public ReadRouter<ListingsDbContext> Router { get; } = router;

    /// <summary>The cached total counts, cleared by writes that change them.</summary>
    public ListingCountCache Counts { get; } = counts;

    /// <summary>
    /// The page <paramref name="query"/> asks for, from a host that has replayed <paramref name="after"/> when given. A
    /// read with a token counts afresh on that host: a cached count may be older than the client's write.
    /// </summary>
    public async Task<ListingPage> PageAsync(HttpContext http, ListingQuery query, NpgsqlLogSequenceNumber? after, CancellationToken cancellationToken)
    {
        var at = ReadPosition(http, after);
        // The client's token (not the cache's floor) asks for a fresh count: the counts are cleared by the same writes.
        var page = await Router.ReadAsync(http.RequestServices, at, (db, token) => db.GetListingPageAsync(query, after is null ? Counts : null, token), cancellationToken);
        Shows(http, [.. page.Items.Select(item => item.Id)]);
        return page;
    }

    /// <summary>The listing with <paramref name="id"/>, from a host that has replayed <paramref name="after"/> when given.</summary>
    public async Task<Listing?> FindAsync(HttpContext http, long id, NpgsqlLogSequenceNumber? after, CancellationToken cancellationToken)
    {
        var listing = await Router.ReadAsync(http.RequestServices, ReadPosition(http, after), (db, token) => ListingsDbContext.FindListingAsync(db, id, token), cancellationToken);
        Shows(http, [id]);
        return listing;
    }

    // The listings a fill's answer shows: a write to one of them evicts the entry.
    private static void Shows(HttpContext http, long[] ids)
    {
        if (ListingCachePolicy.IsFill(http))
        {
            http.Items[ListingCachePolicy.ShowsItem] = ids;
        }
    }

    // A read that fills the cache reads at or past every write evicted so far, and the entry remembers where: a refill
    // after an eviction never comes from a replica that has not replayed the write. Other reads need only the token's.
    private NpgsqlLogSequenceNumber? ReadPosition(HttpContext http, NpgsqlLogSequenceNumber? after)
    {
        if (!ListingCachePolicy.IsFill(http))
        {
            return after;
        }

        var floor = Cache.Floor;
        var at = after is { } token && token > floor ? token : floor;
        http.Items[ListingCachePolicy.ReadFloorItem] = at;
        return at;
    }
}
