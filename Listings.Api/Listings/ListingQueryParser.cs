using System.Globalization;
using Microsoft.Extensions.Primitives;

namespace Listings.Api.Listings;

/// <summary>
/// Reads <see cref="ListingQuery"/> from the raw query string. By hand, so empty, repeated, malformed and overflowing
/// values are validation errors keyed by parameter name, not a generic binding failure. Unknown parameters are ignored.
/// </summary>
public static class ListingQueryParser
{
    private static readonly string PageError =
        $"The page must be a single integer from 1 to {ListingQuery.MaxPage}.";

    private static readonly string PageSizeError =
        $"The page size must be a single integer from 1 to {ListingQuery.MaxPageSize}.";

    private static readonly string CityError =
        $"The city must be a single value of 1 to {Listing.MaxCityLength} characters.";

    private const string MinPriceError = "The minimum price must be a single number greater than or equal to 0.";

    private const string MaxPriceError = "The maximum price must be a single number greater than or equal to 0.";

    private const string CursorError = "The cursor must be a single nextCursor value from a previous page, unchanged.";

    private const string PageOrCursorError = "Give either page or cursor, not both: a cursor already says where the page starts.";

    private const string PriceRangeError = "The minimum price must be less than or equal to the maximum price.";

    /// <summary>
    /// Parses and validates <paramref name="query"/>; returns the errors by parameter name, and sets
    /// <paramref name="listingQuery"/> when there are none.
    /// </summary>
    public static Dictionary<string, string[]> Parse(IQueryCollection query, out ListingQuery? listingQuery)
    {
        var errors = new Dictionary<string, string[]>();

        var page = ParseInt(query, ListingQuery.PageParameter, ListingQuery.DefaultPage, ListingQuery.MaxPage, PageError, errors);
        var pageSize = ParseInt(query, ListingQuery.PageSizeParameter, ListingQuery.DefaultPageSize, ListingQuery.MaxPageSize, PageSizeError, errors);
        var city = ParseCity(query, errors);
        var minPrice = ParsePrice(query, ListingQuery.MinPriceParameter, MinPriceError, errors);
        var maxPrice = ParsePrice(query, ListingQuery.MaxPriceParameter, MaxPriceError, errors);

        if (minPrice > maxPrice)
        {
            // The error concerns both bounds; a client may look for it under either.
            errors[ListingQuery.MinPriceParameter] = [PriceRangeError];
            errors[ListingQuery.MaxPriceParameter] = [PriceRangeError];
        }

        var after = ParseCursor(query, errors);
        if (after is not null && query.ContainsKey(ListingQuery.PageParameter))
        {
            errors[ListingQuery.CursorParameter] = [PageOrCursorError];
        }

        listingQuery = errors.Count == 0 ? new ListingQuery(page, pageSize, city, minPrice, maxPrice, after) : null;
        return errors;
    }

    private static int ParseInt(
        IQueryCollection query, string name, int defaultValue, int max, string error, Dictionary<string, string[]> errors)
    {
        if (!query.TryGetValue(name, out var values))
        {
            return defaultValue;
        }

        if (TrySingle(values, out var text)
            && int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            && value >= 1
            && value <= max)
        {
            return value;
        }

        errors[name] = [error];
        return defaultValue;
    }

    private static string? ParseCity(IQueryCollection query, Dictionary<string, string[]> errors)
    {
        if (!query.TryGetValue(ListingQuery.CityParameter, out var values))
        {
            return null;
        }

        if (TrySingle(values, out var text))
        {
            var city = text.Trim();
            if (city.Length is >= 1 and <= Listing.MaxCityLength)
            {
                return city;
            }
        }

        errors[ListingQuery.CityParameter] = [CityError];
        return null;
    }

    private static decimal? ParsePrice(IQueryCollection query, string name, string error, Dictionary<string, string[]> errors)
    {
        if (!query.TryGetValue(name, out var values))
        {
            return null;
        }

        if (TrySingle(values, out var text)
            && decimal.TryParse(
                text,
                NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint,
                CultureInfo.InvariantCulture,
                out var value)
            && value >= 0)
        {
            return value;
        }

        errors[name] = [error];
        return null;
    }

    private static ListingCursor? ParseCursor(IQueryCollection query, Dictionary<string, string[]> errors)
    {
        if (!query.TryGetValue(ListingQuery.CursorParameter, out var values))
        {
            return null;
        }

        if (TrySingle(values, out var text) && ListingCursor.TryDecode(text, out var cursor))
        {
            return cursor;
        }

        errors[ListingQuery.CursorParameter] = [CursorError];
        return null;
    }

    private static bool TrySingle(StringValues values, out string text)
    {
        text = values.Count == 1 ? values[0] ?? string.Empty : string.Empty;
        return values.Count == 1;
    }
}
