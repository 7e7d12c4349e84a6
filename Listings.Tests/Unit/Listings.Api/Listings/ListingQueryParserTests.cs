using Listings.Api.Listings;
using Microsoft.AspNetCore.Http;

namespace Listings.Tests.Unit;

public sealed class ListingQueryParserTests
{
    [Fact]
    public void EmptyQueryIsTheFirstPageOfTwentyWithoutFilters()
    {
        var errors = ListingQueryParser.Parse(QueryHelpers("?"), out var query);

        Assert.Empty(errors);
        Assert.Equal(new ListingQuery(1, 20, null, null, null), query);
        Assert.Equal(0, query!.Offset);
    }

    [Fact]
    public void EveryParameterIsReadAndTheOffsetFollowsThePage()
    {
        var errors = ListingQueryParser.Parse(QueryHelpers("?page=3&pageSize=50&city=%20Lyon%20&minPrice=100.5&maxPrice=900&unknown=x"), out var query);

        Assert.Empty(errors);
        Assert.Equal(new ListingQuery(3, 50, "Lyon", 100.5m, 900m), query);
        Assert.Equal(100, query!.Offset);
    }

    [Theory]
    [InlineData("?page=0", "page")]
    [InlineData("?page=10001", "page")]
    [InlineData("?page=1e3", "page")]
    [InlineData("?page=%201", "page")]
    [InlineData("?page=2147483648", "page")]
    [InlineData("?page=1&page=1", "page")]
    [InlineData("?pageSize=-5", "pageSize")]
    [InlineData("?pageSize=", "pageSize")]
    [InlineData("?city=", "city")]
    [InlineData("?city=a&city=b", "city")]
    [InlineData("?maxPrice=NaN", "maxPrice")]
    [InlineData("?minPrice=1,5", "minPrice")]
    [InlineData("?minPrice=10&maxPrice=9", "maxPrice")]
    public void InvalidValueIsAnErrorUnderItsParameterName(string queryString, string parameter)
    {
        var errors = ListingQueryParser.Parse(QueryHelpers(queryString), out var query);

        Assert.Null(query);
        Assert.Contains(parameter, errors.Keys);
        Assert.All(errors.Values, messages => Assert.NotEmpty(messages));
    }

    [Fact]
    public void SeveralBadParametersAreAllReported()
    {
        var errors = ListingQueryParser.Parse(QueryHelpers("?page=x&pageSize=1000&minPrice=-1"), out _);

        Assert.Equal(["minPrice", "page", "pageSize"], errors.Keys.Order());
    }

    private static IQueryCollection QueryHelpers(string queryString) =>
        new QueryCollection(Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(queryString));
}
