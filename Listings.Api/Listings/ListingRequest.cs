namespace Listings.Api.Listings;

/// <summary>The body of <c>POST</c> and <c>PUT /api/v1/listings</c>: every member is required.</summary>
/// <remarks>
/// A positional record so that the strict JSON options reject a missing member
/// (required constructor parameter), a <c>null</c> string (nullable annotations) and an unknown member.
/// </remarks>
/// <param name="Title">A short headline: 3 to 200 characters once trimmed, no control characters.</param>
/// <param name="Description">Free text, 0 to 5000 characters; line breaks and tabs are allowed.</param>
/// <param name="City">The city: 1 to 100 characters once trimmed, no control characters.</param>
/// <param name="Price">The asking price: greater than 0, at most 1,000,000,000, at most two decimals.</param>
/// <param name="Currency">The ISO 4217 code of the price: three upper-case ASCII letters, e.g. <c>EUR</c>.</param>
/// <param name="Bedrooms">The number of bedrooms, 0 to 50.</param>
/// <param name="Bathrooms">The number of bathrooms, 0 to 50.</param>
/// <param name="SurfaceSquareMeters">The living surface: greater than 0, at most 100,000, at most two decimals.</param>
public sealed record ListingRequest(
    string Title,
    string Description,
    string City,
    decimal Price,
    string Currency,
    int Bedrooms,
    int Bathrooms,
    decimal SurfaceSquareMeters)
{
    /// <summary>Copies the request onto <paramref name="listing"/>, trimming the single-line texts.</summary>
    /// <param name="listing">The entity to create or update.</param>
    /// <param name="now">The moment of the change, stored as <see cref="Listing.UpdatedAt"/>.</param>
    public void ApplyTo(Listing listing, DateTimeOffset now)
    {
        listing.Title = Title.Trim();
        listing.Description = Description;
        listing.City = City.Trim();
        listing.Price = Price;
        listing.Currency = Currency;
        listing.Bedrooms = Bedrooms;
        listing.Bathrooms = Bathrooms;
        listing.SurfaceSquareMeters = SurfaceSquareMeters;
        listing.UpdatedAt = now;
    }
}
