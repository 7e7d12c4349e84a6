using Listings.Api.Listings;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Listings.Api.Data;

/// <summary>Maps <see cref="Listing"/> to the snake_case <c>listings</c> table and its indexes.</summary>
internal sealed class ListingConfiguration : IEntityTypeConfiguration<Listing>
{
    public void Configure(EntityTypeBuilder<Listing> listing)
    {
        listing.ToTable("listings");

        listing.HasKey(l => l.Id).HasName("pk_listings");
        listing.Property(l => l.Id).HasColumnName("id").UseIdentityByDefaultColumn();
        listing.Property(l => l.OwnerId).HasColumnName("owner_id");
        listing.Property(l => l.Title).HasColumnName("title").HasMaxLength(Listing.MaxTitleLength);
        listing.Property(l => l.Description).HasColumnName("description").HasMaxLength(Listing.MaxDescriptionLength);
        listing.Property(l => l.City).HasColumnName("city").HasMaxLength(Listing.MaxCityLength);
        listing.Property(l => l.Price).HasColumnName("price").HasPrecision(12, 2);
        listing.Property(l => l.Currency).HasColumnName("currency").HasMaxLength(Listing.CurrencyLength).IsFixedLength();
        listing.Property(l => l.Bedrooms).HasColumnName("bedrooms");
        listing.Property(l => l.Bathrooms).HasColumnName("bathrooms");
        listing.Property(l => l.SurfaceSquareMeters).HasColumnName("surface_square_meters").HasPrecision(8, 2);
        listing.Property(l => l.CreatedAt).HasColumnName("created_at");
        listing.Property(l => l.UpdatedAt).HasColumnName("updated_at");

        // One index per access path, each matching the list order so PostgreSQL reads pages off the index.
        listing.HasIndex(l => new { l.CreatedAt, l.Id })
            .IsDescending(true, true)
            .HasDatabaseName("ix_listings_created_at_id");
        listing.HasIndex(l => new { l.City, l.CreatedAt, l.Id })
            .IsDescending(false, true, true)
            .HasDatabaseName("ix_listings_city_created_at_id");
        listing.HasIndex(l => l.Price)
            .HasDatabaseName("ix_listings_price");
        // A user's own listings, and the owner check of a delete that found nothing of the user's.
        listing.HasIndex(l => l.OwnerId)
            .HasDatabaseName("ix_listings_owner_id");
    }
}
