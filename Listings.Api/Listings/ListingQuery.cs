namespace Listings.Api.Listings;

/// <summary>The validated query string of <c>GET /api/v1/listings</c>.</summary>
/// <param name="Page">The page number, 1 to <see cref="MaxPage"/>.</param>
/// <param name="PageSize">Listings per page, 1 to <see cref="MaxPageSize"/>.</param>
/// <param name="City">The city, or null for every city.</param>
/// <param name="MinPrice">The lowest price, or null.</param>
/// <param name="MaxPrice">The highest price, or null.</param>
/// <param name="After">The keyset position the page starts after; <see cref="Page"/> is then unused.</param>
public sealed record ListingQuery(int Page, int PageSize, string? City, decimal? MinPrice, decimal? MaxPrice, ListingCursor? After = null)
{
    /// <summary>The keyset cursor parameter.</summary>
    public const string CursorParameter = "cursor";

    /// <summary>The page number parameter.</summary>
    public const string PageParameter = "page";

    /// <summary>The page size parameter.</summary>
    public const string PageSizeParameter = "pageSize";

    /// <summary>The city filter parameter.</summary>
    public const string CityParameter = "city";

    /// <summary>The lower price bound parameter.</summary>
    public const string MinPriceParameter = "minPrice";

    /// <summary>The upper price bound parameter.</summary>
    public const string MaxPriceParameter = "maxPrice";

    /// <summary>The page returned when none is asked for.</summary>
    public const int DefaultPage = 1;

    /// <summary>The page size when none is asked for.</summary>
    public const int DefaultPageSize = 20;

    /// <summary>The highest page number accepted; deeper offsets cost the database too much.</summary>
    public const int MaxPage = 10_000;

    /// <summary>The largest page size accepted.</summary>
    public const int MaxPageSize = 100;

    /// <summary>The number of listings to skip to reach <see cref="Page"/>.</summary>
    public int Offset => (Page - 1) * PageSize;
}
