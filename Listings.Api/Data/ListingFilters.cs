using Listings.Api.Listings;

namespace Listings.Api.Data;

/// <summary>
/// The filters of the listings page, each written once. The page's and the count's SQL, their parameters, the statement
/// shapes and the count cache's key all come from this table: a new filter is a row here, a value
/// <see cref="ListingQueryParser"/> sets and a line in <see cref="ListingQueryOpenApi"/>.
/// </summary>
internal static class ListingFilters
{
    /// <summary>The filters, in the order their conditions and parameters are written.</summary>
    public static readonly ListingFilter[] All =
    [
        new("l.city = {0}", query => query.City),
        new("l.price >= {0}", query => query.MinPrice),
        new("l.price <= {0}", query => query.MaxPrice),
    ];

    /// <summary>Compares queries by their filters only: a filter combination has one count on every page.</summary>
    public static readonly IEqualityComparer<ListingQuery> SameFilters = new FilterComparer();

    private sealed class FilterComparer : IEqualityComparer<ListingQuery>
    {
        public bool Equals(ListingQuery? x, ListingQuery? y) =>
            x is not null && y is not null && All.All(filter => Equals(filter.Value(x), filter.Value(y)));

        public int GetHashCode(ListingQuery query)
        {
            var hash = new HashCode();
            foreach (var filter in All)
            {
                hash.Add(filter.Value(query));
            }

            return hash.ToHashCode();
        }
    }
}

/// <summary>One filter of the listings page.</summary>
/// <param name="Condition">The SQL condition on the table aliased <c>l</c>; <c>{0}</c> is its parameter.</param>
/// <param name="Value">The query's value, or null when the filter is not set.</param>
internal sealed record ListingFilter(string Condition, Func<ListingQuery, object?> Value);
