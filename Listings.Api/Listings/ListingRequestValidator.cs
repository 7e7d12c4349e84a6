using Listings.Api.Input;

namespace Listings.Api.Listings;

/// <summary>Checks a <see cref="ListingRequest"/> against the rules of the <c>listings</c> table and the business.</summary>
public static class ListingRequestValidator
{
    /// <summary>The shortest title accepted, once trimmed.</summary>
    public const int MinTitleLength = 3;

    /// <summary>The highest price accepted; well inside <c>numeric(12,2)</c>.</summary>
    public const decimal MaxPrice = 1_000_000_000m;

    /// <summary>The highest number of bedrooms or bathrooms accepted.</summary>
    public const int MaxRooms = 50;

    /// <summary>The largest surface accepted; inside <c>numeric(8,2)</c>.</summary>
    public const decimal MaxSurfaceSquareMeters = 100_000m;

    /// <summary>Validates every member of <paramref name="request"/>; returns the errors by camelCase member name.</summary>
    public static Dictionary<string, string[]> Validate(ListingRequest request)
    {
        var errors = new Dictionary<string, string[]>();

        var title = request.Title?.Trim();
        if (string.IsNullOrEmpty(title) || title.Length is < MinTitleLength or > Listing.MaxTitleLength)
        {
            errors["title"] = [$"The title is required and must be {MinTitleLength} to {Listing.MaxTitleLength} characters long once trimmed."];
        }
        else if (title.Any(char.IsControl))
        {
            errors["title"] = ["The title must not contain control characters."];
        }
        else if (!StorableText.IsStorable(title))
        {
            errors["title"] = [$"The title {StorableText.Rule}"];
        }

        if (request.Description is null || request.Description.Length > Listing.MaxDescriptionLength)
        {
            errors["description"] = [$"The description must be a string of 0 to {Listing.MaxDescriptionLength} characters."];
        }
        else if (request.Description.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
        {
            errors["description"] = ["The description must not contain control characters other than line feed, carriage return and tab."];
        }
        else if (!StorableText.IsStorable(request.Description))
        {
            errors["description"] = [$"The description {StorableText.Rule}"];
        }

        var city = request.City?.Trim();
        if (string.IsNullOrEmpty(city) || city.Length > Listing.MaxCityLength)
        {
            errors["city"] = [$"The city is required and must be 1 to {Listing.MaxCityLength} characters long once trimmed."];
        }
        else if (city.Any(char.IsControl))
        {
            errors["city"] = ["The city must not contain control characters."];
        }
        else if (!StorableText.IsStorable(city))
        {
            errors["city"] = [$"The city {StorableText.Rule}"];
        }

        if (request.Price is <= 0 or > MaxPrice || HasMoreThanTwoDecimals(request.Price))
        {
            errors["price"] = [$"The price must be greater than 0 and at most {MaxPrice:0}, with at most two decimals."];
        }

        if (request.Currency is null || request.Currency.Length != Listing.CurrencyLength || !request.Currency.All(char.IsAsciiLetterUpper))
        {
            errors["currency"] = ["The currency must be an ISO 4217 code of exactly three upper-case letters, e.g. EUR."];
        }

        if (request.Bedrooms is < 0 or > MaxRooms)
        {
            errors["bedrooms"] = [$"The number of bedrooms must be from 0 to {MaxRooms}."];
        }

        if (request.Bathrooms is < 0 or > MaxRooms)
        {
            errors["bathrooms"] = [$"The number of bathrooms must be from 0 to {MaxRooms}."];
        }

        if (request.SurfaceSquareMeters is <= 0 or > MaxSurfaceSquareMeters || HasMoreThanTwoDecimals(request.SurfaceSquareMeters))
        {
            errors["surfaceSquareMeters"] = [$"The surface must be greater than 0 and at most {MaxSurfaceSquareMeters:0} square meters, with at most two decimals."];
        }

        return errors;
    }

    // The columns are numeric(_,2): PostgreSQL would round a third decimal silently, and store another value than the
    // client sent and got back.
    private static bool HasMoreThanTwoDecimals(decimal value) => decimal.Round(value, 2) != value;
}
