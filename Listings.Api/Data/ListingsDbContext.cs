using Listings.Api.Listings;
using Microsoft.EntityFrameworkCore;

namespace Listings.Api.Data;

/// <summary>The EF Core session over the listings database.</summary>
/// <param name="options">The options Aspire's <c>AddNpgsqlDbContext</c> builds from the <c>listingsdb</c> connection.</param>
public sealed class ListingsDbContext(DbContextOptions<ListingsDbContext> options) : DbContext(options)
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

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder
        .ApplyConfiguration(new ListingConfiguration())
        .ApplyConfiguration(new IdempotencyRecordConfiguration());
}
