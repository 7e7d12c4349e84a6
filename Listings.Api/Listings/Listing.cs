namespace Listings.Api.Listings;

/// <summary>A property offered on the market, as stored in the <c>listings</c> table.</summary>
public sealed class Listing
{
    /// <summary>The length of the <c>title</c> column.</summary>
    public const int MaxTitleLength = 200;

    /// <summary>The length of the <c>description</c> column.</summary>
    public const int MaxDescriptionLength = 5000;

    /// <summary>The length of the <c>city</c> column.</summary>
    public const int MaxCityLength = 100;

    /// <summary>The length of an ISO 4217 currency code, the fixed length of the <c>currency</c> column.</summary>
    public const int CurrencyLength = 3;

    /// <summary>The identity assigned by the database.</summary>
    public long Id { get; set; }

    /// <summary>The user who created the listing and alone may change or delete it (the token's <c>sub</c>).</summary>
    public Guid OwnerId { get; set; }

    /// <summary>A short headline.</summary>
    public string Title { get; set; } = string.Empty;

    /// <summary>Free text describing the property; may be empty.</summary>
    public string Description { get; set; } = string.Empty;

    /// <summary>The city the property is in; filtered by exact match.</summary>
    public string City { get; set; } = string.Empty;

    /// <summary>The asking price, with at most two decimals.</summary>
    public decimal Price { get; set; }

    /// <summary>The ISO 4217 code of <see cref="Price"/>, in upper case.</summary>
    public string Currency { get; set; } = string.Empty;

    /// <summary>The number of bedrooms.</summary>
    public int Bedrooms { get; set; }

    /// <summary>The number of bathrooms.</summary>
    public int Bathrooms { get; set; }

    /// <summary>The living surface in square meters, with at most two decimals.</summary>
    public decimal SurfaceSquareMeters { get; set; }

    /// <summary>When the listing was created (UTC, set by the server).</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the listing was last changed (UTC, set by the server).</summary>
    public DateTimeOffset UpdatedAt { get; set; }
}
