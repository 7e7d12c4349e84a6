using Listings.Tests.Infrastructure;

namespace Listings.Tests.Integration;

[Collection(ListingsAppCollection.Name)]
public sealed class ListingsReadTests(ListingsAppFixture fixture)
{
    private readonly HttpClient _client = fixture.CreateApiClient();

    [Fact]
    public async Task FirstPageReturnsTwentyListingsNewestFirstWithPagingMetadata()
    {
        var page = await _client.GetFromJsonAsync<ListingPageJson>("/api/v1/listings?page=1");

        Assert.NotNull(page);
        Assert.Equal(1, page.Page);
        Assert.Equal(20, page.PageSize);
        Assert.Equal(20, page.Items.Count);
        Assert.True(page.TotalCount >= ListingsAppFixture.SeedCount - 10, $"totalCount {page.TotalCount}");
        Assert.Equal((int)Math.Ceiling(page.TotalCount!.Value / 20.0), page.TotalPages);
        Assert.NotNull(page.NextCursor);
        Assert.Equal(
            page.Items.OrderByDescending(l => l.CreatedAt).ThenByDescending(l => l.Id).Select(l => l.Id),
            page.Items.Select(l => l.Id));
    }

    [Fact]
    public async Task ConsecutivePagesDoNotOverlap()
    {
        var first = await _client.GetFromJsonAsync<ListingPageJson>("/api/v1/listings?page=1&pageSize=10");
        var second = await _client.GetFromJsonAsync<ListingPageJson>("/api/v1/listings?page=2&pageSize=10");

        Assert.Equal(10, first!.Items.Count);
        Assert.Equal(10, second!.Items.Count);
        Assert.Empty(first.Items.Select(l => l.Id).Intersect(second.Items.Select(l => l.Id)));
        Assert.True(first.Items[^1].CreatedAt >= second.Items[0].CreatedAt);
    }

    [Fact]
    public async Task CityFilterReturnsOnlyListingsInThatCity()
    {
        var any = await _client.GetFromJsonAsync<ListingPageJson>("/api/v1/listings?page=1&pageSize=1");
        var city = any!.Items[0].City;

        var page = await _client.GetFromJsonAsync<ListingPageJson>($"/api/v1/listings?city={Uri.EscapeDataString(city)}&pageSize=100");

        Assert.NotEmpty(page!.Items);
        Assert.All(page.Items, listing => Assert.Equal(city, listing.City));
        Assert.True(page.TotalCount < any.TotalCount, "the filter should narrow the seeded listings");
    }

    [Fact]
    public async Task PriceRangeFilterReturnsOnlyListingsInsideTheRange()
    {
        var page = await _client.GetFromJsonAsync<ListingPageJson>("/api/v1/listings?minPrice=500&maxPrice=2000&pageSize=100");

        Assert.All(page!.Items, listing => Assert.InRange(listing.Price, 500m, 2000m));
    }

    [Fact]
    public async Task ListingIsReadByItsId()
    {
        var first = (await _client.GetFromJsonAsync<ListingPageJson>("/api/v1/listings?pageSize=1"))!.Items[0];

        var listing = await _client.GetFromJsonAsync<ListingJson>($"/api/v1/listings/{first.Id}");

        Assert.Equal(first, listing);
    }

    [Fact]
    public async Task MissingListingIsNotFoundProblem()
    {
        var response = await _client.GetAsync("/api/v1/listings/987654321");

        await HttpAssertions.AssertProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("1.5")]
    [InlineData("99999999999999999999999")]
    public async Task IdThatIsNotAnIdIsBadRequestProblem(string id)
    {
        var response = await _client.GetAsync($"/api/v1/listings/{id}");

        await HttpAssertions.AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("page=0", "page")]
    [InlineData("page=-1", "page")]
    [InlineData("page=abc", "page")]
    [InlineData("page=", "page")]
    [InlineData("page=1&page=2", "page")]
    [InlineData("page=99999999999999999999", "page")]
    [InlineData("pageSize=0", "pageSize")]
    [InlineData("pageSize=101", "pageSize")]
    [InlineData("pageSize=ten", "pageSize")]
    [InlineData("minPrice=-1", "minPrice")]
    [InlineData("minPrice=cheap", "minPrice")]
    [InlineData("minPrice=900&maxPrice=100", "minPrice")]
    // PostgreSQL refuses a NUL byte in text (SQLSTATE 22021): it is refused here, before the query.
    [InlineData("city=%00", "city")]
    [InlineData("city=Lyon%00", "city")]
    [InlineData("city=Lyon&cursor=%00", "cursor")]
    [InlineData("page=1%00", "page")]
    [InlineData("other=%00", "other")]
    [InlineData("%00=1", "\\u0000")]
    public async Task BadPagingOrFilterIsValidationProblemNamingTheParameter(string query, string parameter)
    {
        var response = await _client.GetAsync($"/api/v1/listings?{query}");

        var problem = await HttpAssertions.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.NotNull(problem.Errors);
        Assert.Contains(parameter, problem.Errors.Keys);
    }

    [Theory]
    // Percent-encoded bytes that are not UTF-8 (a lone byte, a cut sequence, a CESU-8 surrogate, an over-long NUL): the
    // server decodes each to U+FFFD, a text PostgreSQL stores, so the filter simply matches no city.
    [InlineData("%FF")]
    [InlineData("Lyon%C3")]
    [InlineData("%ED%A0%80")]
    [InlineData("%C0%80")]
    public async Task CityOfBytesThatAreNotUtf8IsReadAsReplacementCharactersAndMatchesNothing(string city)
    {
        var response = await _client.GetAsync($"/api/v1/listings?city={city}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.Content.ReadFromJsonAsync<ListingPageJson>();
        Assert.Empty(page!.Items);
    }

    [Theory]
    [InlineData("%ED%A0%80")]
    [InlineData("%FF")]
    public async Task IdOfBytesThatAreNotUtf8IsBadRequestProblem(string id)
    {
        var response = await _client.GetAsync($"/api/v1/listings/{id}");

        await HttpAssertions.AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("%00")]
    [InlineData("1%00")]
    public async Task PathWithAnEncodedNulIsRefusedByKestrelBeforeTheApp(string id)
    {
        // Kestrel refuses a request target that decodes to a NUL with a bare 400 of its own: the app never runs.
        var response = await _client.GetAsync($"/api/v1/listings/{id}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task CursorPageContinuesExactlyWhereTheOffsetPageEnded()
    {
        var first = await _client.GetFromJsonAsync<ListingPageJson>("/api/v1/listings?page=1&pageSize=10");
        var byOffset = await _client.GetFromJsonAsync<ListingPageJson>("/api/v1/listings?page=2&pageSize=10");

        var byCursor = await _client.GetFromJsonAsync<ListingPageJson>($"/api/v1/listings?pageSize=10&cursor={first!.NextCursor}");

        Assert.Equal(byOffset!.Items.Select(l => l.Id), byCursor!.Items.Select(l => l.Id));
        Assert.Null(byCursor.Page);
        Assert.Null(byCursor.TotalCount);
        Assert.Null(byCursor.TotalPages);
    }

    [Fact]
    public async Task WalkingTheListByCursorVisitsEveryListingOnceAndEndsWithoutACursor()
    {
        var total = (await _client.GetFromJsonAsync<ListingPageJson>("/api/v1/listings?pageSize=1"))!.TotalCount;
        var seen = new List<long>();
        string? cursor = null;
        do
        {
            var query = cursor is null ? "pageSize=7" : $"pageSize=7&cursor={cursor}";
            var page = await _client.GetFromJsonAsync<ListingPageJson>($"/api/v1/listings?{query}");
            seen.AddRange(page!.Items.Select(l => l.Id));
            cursor = page.NextCursor;
        }
        while (cursor is not null && seen.Count <= 10_000);

        Assert.Equal(total, seen.Count);
        Assert.Equal(seen.Count, seen.Distinct().Count());
    }

    [Theory]
    [InlineData("cursor=not-a-cursor")]
    [InlineData("cursor=")]
    [InlineData("cursor=MTIzLjQ1&cursor=MTIzLjQ1")]
    [InlineData("cursor=MTIzLjQ1&page=2")]
    public async Task CursorThatIsNotOneOrComesWithAPageIsValidationProblem(string query)
    {
        var response = await _client.GetAsync($"/api/v1/listings?{query}");

        var problem = await HttpAssertions.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("cursor", problem.Errors!.Keys);
    }

    [Fact]
    public async Task TwentyParallelRequestsForTheFirstPageAllSucceed()
    {
        // The acceptance check this service was built from (docs/history.md): 20 parallel 'curl .../api/v1/listings?page=1'.
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => _client.GetAsync("/api/v1/listings?page=1")));

        Assert.All(responses, response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));
    }

    [Fact]
    public async Task OpenApiDocumentDescribesTheListingsEndpoints()
    {
        var document = await _client.GetStringAsync("/openapi/v1.json");

        Assert.Contains("\"/api/v1/listings\"", document);
        Assert.Contains("\"/api/v1/listings/{id}\"", document);
    }

    [Fact]
    public async Task HealthIsHealthyAndLivenessAnswers()
    {
        for (var probe = 0; probe < 5; probe++)
        {
            await _client.GetAsync("/health");
        }

        var health = await _client.GetAsync("/health");
        var alive = await _client.GetAsync("/alive");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var body = await health.Content.ReadAsStringAsync();
        Assert.Contains("\"status\":\"Healthy\"", body);
        // Probes go through the pool and leave nothing behind: no phantom waiter per probe.
        Assert.Contains("\"waitingForConnection\":0", body);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }
}
