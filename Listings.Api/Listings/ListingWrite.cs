namespace Listings.Api.Listings;

/// <summary>What a create or update did: the listing to answer with, or the status of the refusal when it wrote nothing.</summary>
/// <param name="Listing">The listing as written, or null when nothing was written.</param>
/// <param name="RefusalStatus">404 when the listing does not exist, 403 when it is another user's; 0 when written.</param>
public sealed record ListingWrite(ListingResponse? Listing, int RefusalStatus)
{
    /// <summary>Nothing written: there is no such listing.</summary>
    public static readonly ListingWrite NotFound = new(null, StatusCodes.Status404NotFound);

    /// <summary>Nothing written: the listing belongs to another user.</summary>
    public static readonly ListingWrite NotOwner = new(null, StatusCodes.Status403Forbidden);

    /// <summary>The listing was written.</summary>
    public static ListingWrite Written(ListingResponse listing) => new(listing, 0);
}
