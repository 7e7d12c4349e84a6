namespace Listings.Api.Caching;

/// <summary>
/// What a write makes stale. Pages are ordered by creation time, which an update does not change: an update changes
/// only the pages that show the listing, and the filtered pages when it changes what they filter on; a create or a
/// delete shifts every page after it and changes the counts, so it evicts every page.
/// </summary>
/// <param name="Ids">The listings written: their own entries and the pages that show them.</param>
/// <param name="AllPages">Every page, filtered or not.</param>
/// <param name="FilteredPages">Every page with a filter (city, price).</param>
public sealed record CacheEviction(IReadOnlyList<long> Ids, bool AllPages, bool FilteredPages)
{
    /// <summary>A listing created or deleted.</summary>
    public static CacheEviction CreatedOrDeleted(long id) => new([id], AllPages: true, FilteredPages: true);

    /// <summary>A listing replaced; <paramref name="filtersChanged"/> when its city or price changed.</summary>
    public static CacheEviction Updated(long id, bool filtersChanged) => new([id], AllPages: false, FilteredPages: filtersChanged);
}
