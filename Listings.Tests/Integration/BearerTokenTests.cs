using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Listings.Api.Auth;
using Listings.Tests.Infrastructure;

namespace Listings.Tests.Integration;

/// <summary>Who may write: reads are public; every write needs a valid bearer token in the form Supabase Auth issues.</summary>
[Collection(ListingsAppCollection.Name)]
public sealed class BearerTokenTests(ListingsAppFixture fixture)
{
    private const string OtherSecret = "a-different-project-jwt-secret-0123456789";

    private readonly HttpClient _anonymous = fixture.CreateApiClient();

    public static TheoryData<string> WriteMethods => ["POST", "PUT", "DELETE"];

    [Theory]
    [MemberData(nameof(WriteMethods))]
    public async Task WriteWithoutATokenIsUnauthorizedProblemWithABearerChallengeAndStoresNothing(string method)
    {
        var existing = await CreateAsync("Written by its owner");
        var before = await CountAsync();

        var response = await _anonymous.SendAsync(Request(method, existing.Id, token: null));

        var problem = await HttpAssertions.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
        Assert.Contains("bearer token", problem.Detail);
        Assert.Equal(before, await CountAsync());
        Assert.Equal(existing, await _anonymous.GetFromJsonAsync<ListingJson>($"/api/v1/listings/{existing.Id}"));
    }

    public static TheoryData<string, string> RejectedTokens => new()
    {
        { "expired", "has expired" },
        { "signed with another secret", "signature does not verify" },
        { "for another audience", "another audience" },
        { "unsigned (alg none)", "algorithm (alg) is not accepted here: it must be HS256" },
        { "signed with HS512", "it must be HS256" },
        { "sub not a UUID", "not a user id" },
        { "no sub", "not a user id" },
        { "no exp", "has no expiry" },
        { "not a JWT", "not a well-formed JWT" },
        { "the secret itself", "not a well-formed JWT" },
    };

    [Theory]
    [MemberData(nameof(RejectedTokens))]
    public async Task RejectedTokenIsUnauthorizedProblemThatNeverShowsTheSecretAndStoresNothing(string kind, string detail)
    {
        var existing = await CreateAsync("Must survive a rejected token");
        var before = await CountAsync();
        var token = Token(kind);

        foreach (var method in WriteMethods)
        {
            var response = await _anonymous.SendAsync(Request(method, existing.Id, token));

            var problem = await HttpAssertions.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
            var challenge = Assert.Single(response.Headers.WwwAuthenticate);
            Assert.Equal("Bearer", challenge.Scheme);
            Assert.Contains("invalid_token", challenge.Parameter);
            Assert.Contains(detail, problem.Detail);
            var text = await response.Content.ReadAsStringAsync() + response.Headers;
            Assert.DoesNotContain(TestAuth.Secret, text);
            Assert.DoesNotContain(OtherSecret, text);
        }

        Assert.Equal(before, await CountAsync());
        Assert.Equal(existing, await _anonymous.GetFromJsonAsync<ListingJson>($"/api/v1/listings/{existing.Id}"));
    }

    [Fact]
    public async Task ReadsNeedNoToken()
    {
        var existing = await CreateAsync("Readable by anyone");

        var page = await _anonymous.GetAsync("/api/v1/listings?page=1");
        var one = await _anonymous.GetAsync($"/api/v1/listings/{existing.Id}");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(existing, await one.Content.ReadFromJsonAsync<ListingJson>());
    }

    [Fact]
    public async Task OpenApiDescribesTheBearerSchemeAndTheWriteOperationsUnauthorizedAndForbiddenAnswers()
    {
        var document = JsonNode.Parse(await _anonymous.GetStringAsync("/openapi/v1.json"))!;

        var scheme = document["components"]!["securitySchemes"]!["Bearer"]!;
        Assert.Equal("http", scheme["type"]!.GetValue<string>());
        Assert.Equal("bearer", scheme["scheme"]!.GetValue<string>());
        Assert.Equal("JWT", scheme["bearerFormat"]!.GetValue<string>());

        var paths = document["paths"]!;
        var create = paths["/api/v1/listings"]!["post"]!;
        var ownerOnly = new[] { paths["/api/v1/listings/{id}"]!["put"]!, paths["/api/v1/listings/{id}"]!["delete"]! };
        foreach (var operation in ownerOnly.Append(create))
        {
            Assert.NotNull(operation["security"]![0]!["Bearer"]);
            Assert.NotNull(operation["responses"]!["401"]);
        }

        // Only changing an existing listing can meet another owner.
        Assert.All(ownerOnly, operation => Assert.NotNull(operation["responses"]!["403"]));
        Assert.Null(create["responses"]!["403"]);

        foreach (var read in new[] { paths["/api/v1/listings"]!["get"]!, paths["/api/v1/listings/{id}"]!["get"]! })
        {
            Assert.Null(read["security"]);
            Assert.Null(read["responses"]!["401"]);
        }
    }

    private static string Token(string kind)
    {
        var user = Guid.NewGuid();
        var payload = ForgedTokens.Payload(user.ToString());
        return kind switch
        {
            "expired" => AccessTokens.Mint(TestAuth.Secret, user, TimeSpan.FromMinutes(5), clock: new FixedClock(DateTimeOffset.UtcNow.AddHours(-1))),
            "signed with another secret" => AccessTokens.Mint(OtherSecret, user, TimeSpan.FromHours(1)),
            "for another audience" => AccessTokens.Mint(TestAuth.Secret, user, TimeSpan.FromHours(1), audience: "anon"),
            "unsigned (alg none)" => ForgedTokens.Create("none", TestAuth.Secret, payload),
            "signed with HS512" => ForgedTokens.Create("HS512", TestAuth.Secret, payload),
            "sub not a UUID" => ForgedTokens.Create("HS256", TestAuth.Secret, ForgedTokens.Payload("user-42")),
            "no sub" => ForgedTokens.Create("HS256", TestAuth.Secret, Without(payload, "sub")),
            "no exp" => ForgedTokens.Create("HS256", TestAuth.Secret, Without(payload, "exp")),
            "not a JWT" => "not.a.jwt",
            "the secret itself" => TestAuth.Secret,
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
    }

    private static Dictionary<string, object> Without(Dictionary<string, object> payload, string claim)
    {
        payload.Remove(claim);
        return payload;
    }

    private static HttpRequestMessage Request(string method, long id, string? token)
    {
        var request = method switch
        {
            "POST" => new HttpRequestMessage(HttpMethod.Post, "/api/v1/listings") { Content = JsonContent.Create(ListingBodies.Valid("Must not be stored")) },
            "PUT" => new HttpRequestMessage(HttpMethod.Put, $"/api/v1/listings/{id}") { Content = JsonContent.Create(ListingBodies.Valid("Must not be stored")) },
            _ => new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/listings/{id}"),
        };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return request;
    }

    private async Task<ListingJson> CreateAsync(string title)
    {
        using var owner = fixture.CreateUserClient();
        var response = await owner.PostAsJsonAsync("/api/v1/listings", ListingBodies.Valid(title));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ListingJson>())!;
    }

    private async Task<long> CountAsync() =>
        (await _anonymous.GetFromJsonAsync<ListingPageJson>("/api/v1/listings?pageSize=1"))!.TotalCount!.Value;
}
