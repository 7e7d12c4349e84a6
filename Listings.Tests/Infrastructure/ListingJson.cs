namespace Listings.Tests.Infrastructure;

/// <summary>The API's listing as the tests read it: the wire shape, not the server's types.</summary>
public sealed record ListingJson(
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
    Guid OwnerId);

/// <summary>A page of listings as the tests read it.</summary>
public sealed record ListingPageJson(IReadOnlyList<ListingJson> Items, int? Page, int PageSize, long? TotalCount, int? TotalPages, string? NextCursor);

/// <summary>Problem details as the tests read them; <see cref="Errors"/> is set on validation problems.</summary>
public sealed record ProblemJson(string? Type, string? Title, int? Status, string? Detail, Dictionary<string, string[]>? Errors);

/// <summary>Request bodies the tests send.</summary>
public static class ListingBodies
{
    /// <summary>A body that passes validation; <paramref name="title"/> makes it recognisable.</summary>
    public static object Valid(string title = "Bright two-room flat near the river") => new
    {
        title,
        description = "Second floor, south-facing balcony, renovated kitchen.",
        city = "Lyon",
        price = 1250.50m,
        currency = "EUR",
        bedrooms = 2,
        bathrooms = 1,
        surfaceSquareMeters = 54.5m,
    };
}
