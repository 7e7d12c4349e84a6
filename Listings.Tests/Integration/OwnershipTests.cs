using System.Text;
using Listings.Api.Data;
using Listings.Tests.Infrastructure;

namespace Listings.Tests.Integration;

/// <summary>A listing belongs to the user whose token created it; only they may change or delete it.</summary>
[Collection(ListingsAppCollection.Name)]
public sealed class OwnershipTests(ListingsAppFixture fixture)
{
    private readonly Guid _owner = Guid.NewGuid();

    [Fact]
    public async Task ACreatedListingIsOwnedByTheTokensUser()
    {
        using var owner = fixture.CreateUserClient(_owner);

        var created = await CreateAsync(owner, "Owned by whoever posted it");

        Assert.Equal(_owner, created.OwnerId);
        Assert.Equal(_owner, (await fixture.CreateApiClient().GetFromJsonAsync<ListingJson>($"/api/v1/listings/{created.Id}"))!.OwnerId);
    }

    [Fact]
    public async Task TheOwnerCanReplaceAndThenDeleteTheirListing()
    {
        using var owner = fixture.CreateUserClient(_owner);
        var created = await CreateAsync(owner, "Mine to change");

        var replaced = await owner.PutAsJsonAsync($"/api/v1/listings/{created.Id}", ListingBodies.Valid("Mine, changed"));
        var deleted = await owner.DeleteAsync($"/api/v1/listings/{created.Id}");

        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.Equal("Mine, changed", (await replaced.Content.ReadFromJsonAsync<ListingJson>())!.Title);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
    }

    [Fact]
    public async Task AnotherUserGetsForbiddenProblemAndTheListingStaysUnchanged()
    {
        using var owner = fixture.CreateUserClient(_owner);
        using var intruder = fixture.CreateUserClient();
        var created = await CreateAsync(owner, "Not yours to change");

        var put = await intruder.PutAsJsonAsync($"/api/v1/listings/{created.Id}", ListingBodies.Valid("Taken over"));
        var keyedPut = await SendWithKeyAsync(intruder, HttpMethod.Put, $"/api/v1/listings/{created.Id}", Guid.NewGuid().ToString(), ListingBodies.Valid("Taken over"));
        var delete = await intruder.DeleteAsync($"/api/v1/listings/{created.Id}");

        foreach (var response in new[] { put, keyedPut, delete })
        {
            var problem = await HttpAssertions.AssertProblemAsync(response, HttpStatusCode.Forbidden);
            Assert.Equal("Not the owner", problem.Title);
        }

        Assert.Equal(created, await fixture.CreateApiClient().GetFromJsonAsync<ListingJson>($"/api/v1/listings/{created.Id}"));
    }

    [Fact]
    public async Task AForbiddenKeyedWriteDoesNotSpendTheKey()
    {
        using var owner = fixture.CreateUserClient(_owner);
        using var intruder = fixture.CreateUserClient();
        var created = await CreateAsync(owner, "Guarded by its owner");
        var key = Guid.NewGuid().ToString();

        var refused = await SendWithKeyAsync(intruder, HttpMethod.Put, $"/api/v1/listings/{created.Id}", key, ListingBodies.Valid("Guarded, retried"));
        var ownListing = await SendWithKeyAsync(intruder, HttpMethod.Post, "/api/v1/listings", key, ListingBodies.Valid("Guarded, retried"));

        await HttpAssertions.AssertProblemAsync(refused, HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.Created, ownListing.StatusCode);
        Assert.False(ownListing.Headers.Contains("Idempotent-Replayed"));
    }

    [Fact]
    public async Task AMissingListingIsNotFoundForAnAuthenticatedUser()
    {
        using var user = fixture.CreateUserClient();

        await HttpAssertions.AssertProblemAsync(
            await user.PutAsJsonAsync("/api/v1/listings/987654320", ListingBodies.Valid()), HttpStatusCode.NotFound);
        await HttpAssertions.AssertProblemAsync(await user.DeleteAsync("/api/v1/listings/987654320"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task SeededListingsBelongToTheSeedOwnerAndNoSignedInUser()
    {
        using var user = fixture.CreateUserClient();
        var seeded = (await fixture.CreateApiClient().GetFromJsonAsync<ListingJson>("/api/v1/listings/1"))!;

        var put = await user.PutAsJsonAsync("/api/v1/listings/1", ListingBodies.Valid("Not a seed any more"));

        Assert.Equal(SeedOwner.Id, seeded.OwnerId);
        Assert.Equal(new Guid("00000000-0000-0000-0000-000000000001"), SeedOwner.Id);
        await HttpAssertions.AssertProblemAsync(put, HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData("ownerId")]
    [InlineData("OwnerId")]
    public async Task ABodyNamingAnOwnerIsRefusedAndStoresNothing(string member)
    {
        using var user = fixture.CreateUserClient(_owner);
        var json = $$"""{"title":"Valid title","description":"d","city":"Lyon","price":10,"currency":"EUR","bedrooms":1,"bathrooms":1,"surfaceSquareMeters":30,"{{member}}":"{{Guid.NewGuid()}}"}""";
        var before = await CountAsync();

        var response = await user.PostAsync("/api/v1/listings", new StringContent(json, Encoding.UTF8, "application/json"));

        await HttpAssertions.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(before, await CountAsync());
    }

    private static async Task<ListingJson> CreateAsync(HttpClient client, string title)
    {
        var response = await client.PostAsJsonAsync("/api/v1/listings", ListingBodies.Valid(title));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ListingJson>())!;
    }

    private static Task<HttpResponseMessage> SendWithKeyAsync(HttpClient client, HttpMethod method, string path, string key, object body)
    {
        var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return client.SendAsync(request);
    }

    private async Task<long> CountAsync() =>
        (await fixture.CreateApiClient().GetFromJsonAsync<ListingPageJson>("/api/v1/listings?pageSize=1"))!.TotalCount!.Value;
}
