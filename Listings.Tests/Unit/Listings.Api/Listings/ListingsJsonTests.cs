using System.Text;
using Listings.Api.Listings;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Listings.Tests.Unit;

/// <summary>
/// The read endpoints answer with <see cref="GeneratedJsonOk{T}"/>, which runs the writer <see cref="ListingsJsonContext"/>
/// generated instead of going through the app's JSON options. That is only right while a client gets the same answer
/// <c>TypedResults.Ok</c> gives with the app's options: status, content type and every byte, escaping included.
/// </summary>
public sealed class ListingsJsonTests
{
    private static readonly ListingResponse Listing = new(
        Id: 9_007_199_254_740_993,
        Title: "Loft \"sous les toits\" <à> Paris & co",
        Description: "Ligne 1\nLigne 2\t€ — 日本 'quoted' \\ +",
        City: "Besançon",
        Price: 1234.50m,
        Currency: "EUR",
        Bedrooms: 2,
        Bathrooms: 1,
        SurfaceSquareMeters: 48.25m,
        CreatedAt: new DateTimeOffset(2025, 3, 1, 8, 0, 0, TimeSpan.Zero).AddTicks(1_234_560),
        UpdatedAt: new DateTimeOffset(2025, 3, 2, 9, 30, 0, TimeSpan.Zero),
        OwnerId: Guid.Parse("5d2c6f0e-8a41-4c4e-9d55-2f1b7a9c0e13"));

    public static TheoryData<string, ListingPage> Pages => new()
    {
        { "by page, with a next page", new ListingPage([Listing, Listing with { Id = 2, Price = 0m }], 3, 2, 101, 51, "MTIzLjQ") },
        { "by cursor, the last one", new ListingPage([Listing], null, 20, null, null, null) },
        { "past the end", new ListingPage([], 9, 20, 0, 0, null) },
    };

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task PageAnswerIsTheOneTheAppsJsonOptionsWrite(string _, ListingPage page) =>
        Assert.Equal(
            await AnswerAsync(TypedResults.Ok(page)),
            await AnswerAsync(new GeneratedJsonOk<ListingPage>(page, ListingsJsonContext.Default.ListingPage)));

    [Fact]
    public async Task ListingAnswerIsTheOneTheAppsJsonOptionsWrite() =>
        Assert.Equal(
            await AnswerAsync(TypedResults.Ok(Listing)),
            await AnswerAsync(new GeneratedJsonOk<ListingResponse>(Listing, ListingsJsonContext.Default.ListingResponse)));

    // Status, content type and body of the answer, executed with the services the API registers.
    private static async Task<(int Status, string? ContentType, string Body)> AnswerAsync(IResult result)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.AddListingsApi();
        await using var app = builder.Build();
        using var body = new MemoryStream();
        var context = new DefaultHttpContext { RequestServices = app.Services };
        context.Response.Body = body;

        await result.ExecuteAsync(context);
        await context.Response.BodyWriter.CompleteAsync();

        return (context.Response.StatusCode, context.Response.ContentType, Encoding.UTF8.GetString(body.ToArray()));
    }
}
