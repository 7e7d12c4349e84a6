namespace Listings.Api.Listings;

/// <summary>One page of listings, newest first.</summary>
/// <param name="Items">The listings on this page; empty past the last page.</param>
/// <param name="Page">The 1-based page number that was asked for; null when the page was asked for by cursor.</param>
/// <param name="PageSize">The maximum number of listings per page that was asked for.</param>
/// <param name="TotalCount">
/// The number of listings matching the filters, over all pages; null when the page was asked for by cursor, where
/// a client walks the list and counting it on every step would cost more than the page itself.
/// </param>
/// <param name="TotalPages">The number of pages needed for <paramref name="TotalCount"/> listings; null with a cursor.</param>
/// <param name="NextCursor">Pass it as <c>cursor</c> to get the next page; null on the last page.</param>
public sealed record ListingPage(
    IReadOnlyList<ListingResponse> Items,
    int? Page,
    int PageSize,
    int? TotalCount,
    int? TotalPages,
    string? NextCursor)
{
    /// <summary>Builds the page for <paramref name="query"/>, deriving the page count when the total is known.</summary>
    /// <param name="items">The listings on the page.</param>
    /// <param name="query">The query the page answers.</param>
    /// <param name="totalCount">The number of listings matching the filters, or null when not counted.</param>
    /// <param name="hasMore">True when listings follow the last one on this page.</param>
    public static ListingPage Create(IReadOnlyList<ListingResponse> items, ListingQuery query, int? totalCount, bool hasMore) =>
        new(
            items,
            query.After is null ? query.Page : null,
            query.PageSize,
            totalCount,
            totalCount is { } total ? (total + query.PageSize - 1) / query.PageSize : null,
            hasMore && items.Count > 0 ? ListingCursor.After(items[^1]).Encode() : null);
}
