namespace Listings.Api.Listings;

/// <summary>One page of listings, newest first.</summary>
/// <param name="Items">The listings on this page; empty past the last page.</param>
/// <param name="Page">The 1-based page number that was asked for.</param>
/// <param name="PageSize">The maximum number of listings per page that was asked for.</param>
/// <param name="TotalCount">The number of listings matching the filters, over all pages.</param>
/// <param name="TotalPages">The number of pages needed for <paramref name="TotalCount"/> listings.</param>
public sealed record ListingPage(
    IReadOnlyList<ListingResponse> Items,
    int Page,
    int PageSize,
    int TotalCount,
    int TotalPages)
{
    /// <summary>Builds the page for <paramref name="query"/>, deriving the page count.</summary>
    /// <param name="items">The listings on the page.</param>
    /// <param name="query">The query the page answers.</param>
    /// <param name="totalCount">The number of listings matching the filters.</param>
    public static ListingPage Create(IReadOnlyList<ListingResponse> items, ListingQuery query, int totalCount) =>
        new(items, query.Page, query.PageSize, totalCount, (totalCount + query.PageSize - 1) / query.PageSize);
}
