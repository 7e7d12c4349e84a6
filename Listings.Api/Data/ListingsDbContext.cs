using Listings.Api.Listings;
using Microsoft.EntityFrameworkCore;

namespace Listings.Api.Data;

/// <summary>The EF Core session over the listings database, with the reads the endpoints run.</summary>
public sealed partial class ListingsDbContext(DbContextOptions<ListingsDbContext> options) : DbContext(options)
{
    /// <summary>The <c>listings</c> table.</summary>
    public DbSet<Listing> Listings => Set<Listing>();

    /// <summary>Reads one listing by id without tracking; compiled, so no call looks up EF Core's query cache.</summary>
    public static readonly Func<ListingsDbContext, long, CancellationToken, Task<Listing?>> FindListingAsync =
        EF.CompileAsyncQuery((ListingsDbContext db, long id, CancellationToken _) =>
            db.Listings.AsNoTracking().FirstOrDefault(listing => listing.Id == id));

    // Made on the first page read of a pooled context and kept with it.
    private ListingPageQuery? _pageQuery;

    /// <summary>
    /// Reads the page <paramref name="query"/> asks for, newest first: by offset, with the total count (cached in
    /// <paramref name="counts"/>, or counted afresh without one), or by keyset after a cursor, without one.
    /// </summary>
    public async Task<ListingPage> GetListingPageAsync(ListingQuery query, ListingCountCache? counts, CancellationToken cancellationToken)
    {
        var reads = _pageQuery ??= new ListingPageQuery(this);

        // Walking the list by cursor skips the count: it would cost more than the page, on every step.
        int? totalCount = query.After is not null ? null
            : counts is null ? await reads.CountAsync(query, cancellationToken)
            : await counts.GetOrCountAsync(query, token => reads.CountAsync(query, token), cancellationToken);

        // One more than the page tells whether a next page exists without counting.
        var items = await reads.ReadPageAsync(query, cancellationToken);
        var hasMore = items.Count > query.PageSize;
        if (hasMore)
        {
            items.RemoveAt(items.Count - 1);
        }

        return ListingPage.Create(items, query, totalCount, hasMore);
    }

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder
        .ApplyConfiguration(new ListingConfiguration())
        .ApplyConfiguration(new IdempotencyRecordConfiguration());
}
