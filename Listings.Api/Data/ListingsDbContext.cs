using Listings.Api.Listings;
using Microsoft.EntityFrameworkCore;

namespace Listings.Api.Data;

/// <summary>The EF Core session over the listings database.</summary>
/// <param name="options">The options Aspire's <c>AddNpgsqlDbContext</c> builds from the <c>listingsdb</c> connection.</param>
public sealed class ListingsDbContext(DbContextOptions<ListingsDbContext> options) : DbContext(options)
{
    /// <summary>The <c>listings</c> table.</summary>
    public DbSet<Listing> Listings => Set<Listing>();

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfiguration(new ListingConfiguration());
}
