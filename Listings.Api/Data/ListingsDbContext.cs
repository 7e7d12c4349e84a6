using Listings.Api.Listings;
using Microsoft.EntityFrameworkCore;

namespace Listings.Api.Data;

/// <summary>
/// The EF Core session over the listings database, with the read queries the endpoints run (the writes are in
/// <c>ListingsDbContext.Writes.cs</c>).
/// </summary>
/// <param name="options">The options Aspire's <c>AddNpgsqlDbContext</c> builds from the <c>listingsdb</c> connection.</param>
public sealed partial class ListingsDbContext(DbContextOptions<ListingsDbContext> options) : DbContext(options)
{
    /// <summary>The <c>listings</c> table.</summary>
    public DbSet<Listing> Listings => Set<Listing>();

    /// <summary>
    /// Reads one listing by id without tracking. Compiled once: the lookup by id is the hottest query after the list,
    /// and a compiled query skips EF Core's per-call query cache lookup.
    /// </summary>
    public static readonly Func<ListingsDbContext, long, CancellationToken, Task<Listing?>> FindListingAsync =
        EF.CompileAsyncQuery((ListingsDbContext db, long id, CancellationToken _) =>
            db.Listings.AsNoTracking().FirstOrDefault(listing => listing.Id == id));

    // Made on the first page read of a pooled context and kept with it.
    private ListingPageQuery? _pageQuery;

    /// <summary>
    /// Reads the page <paramref name="query"/> asks for, newest first: by offset (with the total count, from
    /// <paramref name="counts"/> when cached) or, given a cursor, by keyset (without a count).
    /// </summary>
    /// <param name="query">The validated filters and page.</param>
    /// <param name="counts">The cached total counts per filter combination.</param>
    /// <param name="cancellationToken">Cancels the queries.</param>
    public async Task<ListingPage> GetListingPageAsync(ListingQuery query, ListingCountCache counts, CancellationToken cancellationToken)
    {
        var reads = _pageQuery ??= new ListingPageQuery(this);

        // Walking the list by cursor skips the count: it would cost more than the page, on every step.
        int? totalCount = query.After is null
            ? await counts.GetOrCountAsync(query, token => reads.CountAsync(query, token), cancellationToken)
            : null;

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
