using Listings.Api.Listings;

namespace Listings.Tests.Unit;

public sealed class ListingCursorTests
{
    [Fact]
    public void CursorSurvivesTheRoundTripToMicrosecondPrecision()
    {
        var cursor = new ListingCursor(new DateTimeOffset(2024, 12, 31, 23, 59, 0, TimeSpan.Zero).AddTicks(1_234_560), 98_765);

        Assert.True(ListingCursor.TryDecode(cursor.Encode(), out var decoded));
        Assert.Equal(cursor, decoded);
    }

    [Fact]
    public void CursorIsUrlSafe() =>
        Assert.Matches("^[A-Za-z0-9_-]+$", new ListingCursor(DateTimeOffset.UtcNow, long.MaxValue).Encode());

    [Theory]
    [InlineData("")]
    [InlineData("not base64!")]
    [InlineData("MTIz")]                 // "123": no id
    [InlineData("YWJjLjE")]              // "abc.1"
    [InlineData("MTIzLjA")]              // "123.0": id 0
    [InlineData("MTIzLi0x")]             // "123.-1"
    [InlineData("OTk5OTk5OTk5OTk5OTk5OTk5OTkuMQ")] // a time past year 9999
    public void AnythingButAnEncodedCursorIsRefused(string text) =>
        Assert.False(ListingCursor.TryDecode(text, out _));

    [Fact]
    public void ParserReadsACursorAndRefusesItTogetherWithAPage()
    {
        var cursor = new ListingCursor(DateTimeOffset.UnixEpoch.AddDays(20_000), 42).Encode();

        var errors = ListingQueryParser.Parse(Query($"?cursor={cursor}&pageSize=5"), out var query);
        var both = ListingQueryParser.Parse(Query($"?cursor={cursor}&page=1"), out _);

        Assert.Empty(errors);
        Assert.Equal(42, query!.After!.Id);
        Assert.Contains("cursor", both.Keys);
    }

    private static Microsoft.AspNetCore.Http.IQueryCollection Query(string queryString) =>
        new Microsoft.AspNetCore.Http.QueryCollection(Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(queryString));
}
