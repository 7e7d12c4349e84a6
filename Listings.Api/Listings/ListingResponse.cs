namespace Listings.Api.Listings;

/// <summary>A listing as returned by the API.</summary>
/// <param name="Id">The identity assigned by the database.</param>
/// <param name="Title">A short headline.</param>
/// <param name="Description">Free text describing the property; may be empty.</param>
/// <param name="City">The city the property is in.</param>
/// <param name="Price">The asking price.</param>
/// <param name="Currency">The ISO 4217 code of the price.</param>
/// <param name="Bedrooms">The number of bedrooms.</param>
/// <param name="Bathrooms">The number of bathrooms.</param>
/// <param name="SurfaceSquareMeters">The living surface in square meters.</param>
/// <param name="CreatedAt">When the listing was created (UTC).</param>
/// <param name="UpdatedAt">When the listing was last changed (UTC).</param>
/// <param name="OwnerId">The user who owns the listing (the <c>sub</c> of the token that created it); only they may change or delete it.</param>
public sealed record ListingResponse(
    long Id,
    string Title,
    string Description,
    string City,
    decimal Price,
    string Currency,
    int Bedrooms,
    int Bathrooms,
    decimal SurfaceSquareMeters,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    Guid OwnerId)
{
    /// <summary>Maps the stored entity to its public shape.</summary>
    /// <param name="listing">The entity to map.</param>
    public static ListingResponse From(Listing listing) => new(
        listing.Id,
        listing.Title,
        listing.Description,
        listing.City,
        listing.Price,
        listing.Currency,
        listing.Bedrooms,
        listing.Bathrooms,
        listing.SurfaceSquareMeters,
        listing.CreatedAt,
        listing.UpdatedAt,
        listing.OwnerId);
}
