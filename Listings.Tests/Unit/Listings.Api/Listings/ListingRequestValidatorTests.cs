using Listings.Api.Listings;

namespace Listings.Tests.Unit;

public sealed class ListingRequestValidatorTests
{
    private static readonly ListingRequest Valid = new("Bright flat", "Near the park.\nQuiet street.", "Lyon", 1250.50m, "EUR", 2, 1, 54.5m);

    [Fact]
    public void ValidRequestHasNoErrors() => Assert.Empty(ListingRequestValidator.Validate(Valid));

    [Fact]
    public void BoundaryValuesAreAccepted()
    {
        var request = Valid with
        {
            Title = new string('t', 200),
            Description = string.Empty,
            City = new string('c', 100),
            Price = 1_000_000_000m,
            Bedrooms = 0,
            Bathrooms = 50,
            SurfaceSquareMeters = 0.01m,
        };

        Assert.Empty(ListingRequestValidator.Validate(request));
    }

    public static TheoryData<ListingRequest, string> InvalidRequests => new()
    {
        { Valid with { Title = "  ab  " }, "title" },
        { Valid with { Title = new string('t', 201) }, "title" },
        { Valid with { Title = "Tab\tin title" }, "title" },
        { Valid with { Description = new string('d', 5001) }, "description" },
        { Valid with { Description = "Null\0byte" }, "description" },
        { Valid with { City = "   " }, "city" },
        { Valid with { City = "Ly\u001bon" }, "city" },
        { Valid with { Price = 0m }, "price" },
        { Valid with { Price = 1_000_000_000.01m }, "price" },
        { Valid with { Price = 10.001m }, "price" },
        { Valid with { Currency = "EU" }, "currency" },
        { Valid with { Currency = "€UR" }, "currency" },
        { Valid with { Bedrooms = -1 }, "bedrooms" },
        { Valid with { Bathrooms = 51 }, "bathrooms" },
        { Valid with { SurfaceSquareMeters = 100_000.01m }, "surfaceSquareMeters" },
        { Valid with { SurfaceSquareMeters = 1.005m }, "surfaceSquareMeters" },
    };

    [Theory]
    [MemberData(nameof(InvalidRequests))]
    public void BrokenRuleIsReportedUnderItsFieldAlone(ListingRequest request, string field)
    {
        var errors = ListingRequestValidator.Validate(request);

        Assert.Equal([field], errors.Keys);
    }
}
