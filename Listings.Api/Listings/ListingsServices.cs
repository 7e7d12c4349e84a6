using Listings.Api.Caching;
using Listings.Api.Data;
using Listings.Api.Idempotency;

namespace Listings.Api.Listings;

/// <summary>What the listings handlers work with, bound from the request's services with <c>[AsParameters]</c>.</summary>
public sealed class ListingsServices(ListingsDbContext db, ListingCache cache, IdempotentWriter writer, TimeProvider clock)
{
    /// <summary>The request's database session.</summary>
    public ListingsDbContext Db { get; } = db;

    /// <summary>The public reads' cache (and the total counts), which every write evicts from.</summary>
    public ListingCache Cache { get; } = cache;

    /// <summary>Runs a create or update once per <c>Idempotency-Key</c>.</summary>
    public IdempotentWriter Writer { get; } = writer;

    /// <summary>The clock the written timestamps come from.</summary>
    public TimeProvider Clock { get; } = clock;
}
