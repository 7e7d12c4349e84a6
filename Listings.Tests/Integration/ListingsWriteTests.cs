using System.Net.Http.Headers;
using System.Text;
using Listings.Tests.Infrastructure;

namespace Listings.Tests.Integration;

[Collection(ListingsAppCollection.Name)]
public sealed class ListingsWriteTests(ListingsAppFixture fixture)
{
    private readonly HttpClient _client = fixture.CreateUserClient();

    [Fact]
    public async Task PostingAValidListingCreatesItAtItsLocation()
    {
        var response = await _client.PostAsJsonAsync("/api/v1/listings", ListingBodies.Valid("Loft with a view of the old harbour"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<ListingJson>();
        Assert.NotNull(created);
        Assert.Equal($"/api/v1/listings/{created.Id}", response.Headers.Location?.OriginalString);
        Assert.Equal("Loft with a view of the old harbour", created.Title);
        Assert.Equal(1250.50m, created.Price);
        Assert.Equal(created, await _client.GetFromJsonAsync<ListingJson>(response.Headers.Location));
    }

    [Fact]
    public async Task PuttingAListingReplacesItAndMovesItsUpdateTime()
    {
        var created = await CreateAsync("Studio close to the university");
        var replacement = new
        {
            title = "Studio close to the university, furnished",
            description = "Now furnished.",
            city = "Grenoble",
            price = 690m,
            currency = "EUR",
            bedrooms = 0,
            bathrooms = 1,
            surfaceSquareMeters = 21m,
        };

        var response = await _client.PutAsJsonAsync($"/api/v1/listings/{created.Id}", replacement);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var updated = await response.Content.ReadFromJsonAsync<ListingJson>();
        Assert.Equal("Grenoble", updated!.City);
        Assert.Equal(690m, updated.Price);
        Assert.Equal(created.CreatedAt, updated.CreatedAt);
        Assert.True(updated.UpdatedAt > created.UpdatedAt);
        Assert.Equal(updated, await _client.GetFromJsonAsync<ListingJson>($"/api/v1/listings/{created.Id}"));
    }

    [Fact]
    public async Task DeletingAListingRemovesItOnce()
    {
        var created = await CreateAsync("House with a garden, to be sold");

        var first = await _client.DeleteAsync($"/api/v1/listings/{created.Id}");
        var second = await _client.DeleteAsync($"/api/v1/listings/{created.Id}");

        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        await HttpAssertions.AssertProblemAsync(second, HttpStatusCode.NotFound);
        await HttpAssertions.AssertProblemAsync(await _client.GetAsync($"/api/v1/listings/{created.Id}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task PuttingOrDeletingAMissingListingIsNotFoundProblem()
    {
        await HttpAssertions.AssertProblemAsync(
            await _client.PutAsJsonAsync("/api/v1/listings/987654321", ListingBodies.Valid()), HttpStatusCode.NotFound);
        await HttpAssertions.AssertProblemAsync(
            await _client.DeleteAsync("/api/v1/listings/987654321"), HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("title", "")]
    [InlineData("title", "ab")]
    [InlineData("title", "Bell\u0007 in the title")]
    [InlineData("city", "")]
    [InlineData("price", 0)]
    [InlineData("price", -5)]
    [InlineData("price", 12.345)]
    [InlineData("currency", "euro")]
    [InlineData("currency", "eur")]
    [InlineData("bedrooms", -1)]
    [InlineData("bedrooms", 51)]
    [InlineData("surfaceSquareMeters", 0)]
    public async Task InvalidFieldIsValidationProblemNamingTheFieldAndStoresNothing(string field, object value)
    {
        var body = new Dictionary<string, object>
        {
            ["title"] = "Valid title",
            ["description"] = "Valid description",
            ["city"] = "Lyon",
            ["price"] = 1000m,
            ["currency"] = "EUR",
            ["bedrooms"] = 1,
            ["bathrooms"] = 1,
            ["surfaceSquareMeters"] = 30m,
            [field] = value,
        };
        var before = await CountAsync();

        var response = await _client.PostAsJsonAsync("/api/v1/listings", body);

        var problem = await HttpAssertions.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(field, problem.Errors!.Keys);
        Assert.Equal(before, await CountAsync());
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("{")]
    [InlineData("{}")]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("""{"title":"Valid title","description":"d","city":"Lyon","price":"a lot","currency":"EUR","bedrooms":1,"bathrooms":1,"surfaceSquareMeters":30}""")]
    [InlineData("""{"title":null,"description":"d","city":"Lyon","price":10,"currency":"EUR","bedrooms":1,"bathrooms":1,"surfaceSquareMeters":30}""")]
    [InlineData("""{"title":"Valid title","city":"Lyon","price":10,"currency":"EUR","bedrooms":1,"bathrooms":1,"surfaceSquareMeters":30}""")]
    [InlineData("""{"title":"Valid title","description":"d","city":"Lyon","price":10,"currency":"EUR","bedrooms":1,"bathrooms":1,"surfaceSquareMeters":30,"ownerId":"someone-else"}""")]
    [InlineData("""{"title":"Valid title","description":"d","city":"Lyon","price":10,"currency":"EUR","bedrooms":99999999999,"bathrooms":1,"surfaceSquareMeters":30}""")]
    public async Task MalformedBodyIsBadRequestProblemAndStoresNothing(string json)
    {
        var before = await CountAsync();

        var response = await _client.PostAsync("/api/v1/listings", new StringContent(json, Encoding.UTF8, "application/json"));

        await HttpAssertions.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(before, await CountAsync());
    }

    [Theory]
    // JSON escapes, so the test data stays plain ASCII: a NUL, which PostgreSQL refuses in text (SQLSTATE 22021), and
    // lone UTF-16 surrogates, which have no UTF-8 form for Npgsql to send.
    [InlineData("title", @"A title with a \u0000 inside")]
    [InlineData("city", @"Lyon\u0000")]
    [InlineData("description", @"\u0000")]
    [InlineData("title", @"A title with a lone \ud800 high surrogate")]
    [InlineData("city", @"Lyon \udc00")]
    [InlineData("description", @"Ends on a high surrogate \ud83d")]
    public async Task TextWithANulOrALoneSurrogateIsValidationProblemNamingTheFieldAndStoresNothing(string field, string escapedValue)
    {
        var members = new Dictionary<string, string>
        {
            ["title"] = "\"Valid title\"",
            ["description"] = "\"Valid description\"",
            ["city"] = "\"Lyon\"",
            ["price"] = "1000",
            ["currency"] = "\"EUR\"",
            ["bedrooms"] = "1",
            ["bathrooms"] = "1",
            ["surfaceSquareMeters"] = "30",
            [field] = $"\"{escapedValue}\"",
        };
        var json = "{" + string.Join(',', members.Select(member => $"\"{member.Key}\":{member.Value}")) + "}";
        var before = await CountAsync();

        var response = await _client.PostAsync("/api/v1/listings", new StringContent(json, Encoding.UTF8, "application/json"));

        var problem = await HttpAssertions.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(field, problem.Errors!.Keys);
        Assert.Equal(before, await CountAsync());
    }

    [Theory]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0xC3 })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    [InlineData(new byte[] { 0xC0, 0x80 })]
    public async Task BodyWithBytesThatAreNotUtf8IsBadRequestProblemAndStoresNothing(byte[] bytes)
    {
        var start = Encoding.UTF8.GetBytes("{\"title\":\"Valid title");
        var end = Encoding.UTF8.GetBytes(
            "\",\"description\":\"d\",\"city\":\"Lyon\",\"price\":10,\"currency\":\"EUR\",\"bedrooms\":1,\"bathrooms\":1,\"surfaceSquareMeters\":30}");
        var content = new ByteArrayContent([.. start, .. bytes, .. end]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var before = await CountAsync();

        var response = await _client.PostAsync("/api/v1/listings", content);

        await HttpAssertions.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task BodyThatIsNotJsonContentIsUnsupportedMediaTypeProblem()
    {
        var content = new StringContent("title=Flat", Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");

        var response = await _client.PostAsync("/api/v1/listings", content);

        await HttpAssertions.AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task BodyOverTheSizeLimitIsRefusedWithProblem()
    {
        var before = await CountAsync();
        var huge = ListingBodies.Valid(new string('x', 200_000));

        var response = await _client.PostAsJsonAsync("/api/v1/listings", huge);

        await HttpAssertions.AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(before, await CountAsync());
    }

    private async Task<ListingJson> CreateAsync(string title)
    {
        var response = await _client.PostAsJsonAsync("/api/v1/listings", ListingBodies.Valid(title));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<ListingJson>())!;
    }

    private async Task<long> CountAsync() =>
        (await _client.GetFromJsonAsync<ListingPageJson>("/api/v1/listings?pageSize=1"))!.TotalCount!.Value;
}
