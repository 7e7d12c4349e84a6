namespace Listings.Api.Listings;

/// <summary>The validated query string of <c>GET /api/v1/listings</c>.</summary>
/// <param name="Page">The 1-based page number, 1 to <see cref="MaxPage"/>.</param>
/// <param name="PageSize">The number of listings per page, 1 to <see cref="MaxPageSize"/>.</param>
/// <param name="City">Only listings in exactly this city, or every city when <c>null</c>.</param>
/// <param name="MinPrice">Only listings priced at least this much, when given.</param>
/// <param name="MaxPrice">Only listings priced at most this much, when given.</param>
/// <param name="After">When given, the page starts after this position (keyset pagination) and <see cref="Page"/> is unused.</param>
public sealed record ListingQuery(int Page, int PageSize, string? City, decimal? MinPrice, decimal? MaxPrice, ListingCursor? After = null)
{
    /// <summary>The name of the keyset cursor parameter.</summary>
    public const string CursorParameter = "cursor";

    /// <summary>The name of the page number parameter.</summary>
    public const string PageParameter = "page";

    /// <summary>The name of the page size parameter.</summary>
    public const string PageSizeParameter = "pageSize";

    /// <summary>The name of the city filter parameter.</summary>
    public const string CityParameter = "city";

    /// <summary>The name of the lower price bound parameter.</summary>
    public const string MinPriceParameter = "minPrice";

    /// <summary>The name of the upper price bound parameter.</summary>
    public const string MaxPriceParameter = "maxPrice";

    /// <summary>The page returned when none is asked for.</summary>
    public const int DefaultPage = 1;

    /// <summary>The page size used when none is asked for.</summary>
    public const int DefaultPageSize = 20;

    /// <summary>The highest page number accepted; deeper offsets cost the database too much.</summary>
    public const int MaxPage = 10_000;

    /// <summary>The largest page size accepted.</summary>
    public const int MaxPageSize = 100;

    /// <summary>The number of listings to skip to reach <see cref="Page"/>.</summary>
    public int Offset => (Page - 1) * PageSize;
}
