using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Listings.AppHost.Database;
using Listings.Tests.Infrastructure;

namespace Listings.Tests.Integration;

/// <summary>
/// Tokens signed with a Supabase project's JWT signing keys (ES256, RS256), verified against its JWKS served by a real
/// loopback key server, beside the HS256 secret: acceptance, rotation, forgeries, and an unreachable key endpoint.
/// </summary>
[Collection(ListingsAppCollection.Name)]
public sealed class SupabaseSigningKeyTests(ListingsAppFixture fixture)
{
    private const string SigningKeysHealthCheckName = "supabase-signing-keys";

    // Bounds for waiting on a refresh the API runs in the background: generous, as the machine may be busy.
    private static readonly TimeSpan RefreshTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan PollDelay = TimeSpan.FromMilliseconds(250);

    [Fact]
    public async Task Es256AndRs256TokensFromTheProjectsKeysCreateListingsOwnedByTheirSubAndTheSecretStillWorksAlongside()
    {
        using var es256 = SigningKey.Es256("es256-current");
        using var rs256 = SigningKey.Rs256("rs256-previous");
        await using var keys = await SigningKeyServer.StartAsync(es256, rs256);
        var (api, client) = await StartApiAsync(keys.ProjectUrl);
        await using var _ = api;
        using var __ = client;

        foreach (var key in new[] { es256, rs256 })
        {
            var user = Guid.NewGuid();
            await AssertCreatedAndOwnedAsync(await PostAsync(client, keys.TokenFor(key, user)), user);
        }

        // The client's own token is HS256, signed with the secret.
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/listings", ListingBodies.Valid())).StatusCode);

        var health = await SigningKeysHealthAsync(client);
        Assert.Equal("Healthy", health["status"]!.GetValue<string>());
        Assert.Equal(2, health["data"]!["keys"]!.GetValue<int>());
    }

    [Fact]
    public async Task ForgedExpiredAndMisissuedTokensAreUnauthorizedWithAReasonAndUnknownKidsCannotFloodTheKeyServer()
    {
        using var es256 = SigningKey.Es256("es256-current");
        using var rs256 = SigningKey.Rs256("rs256-previous");
        using var unpublished = SigningKey.Es256("es256-never-published");
        using var impostor = SigningKey.Es256(es256.Kid);
        await using var keys = await SigningKeyServer.StartAsync(es256, rs256);
        // A refresh on an unknown kid at most every 10 minutes: far longer than this test.
        var (api, client) = await StartApiAsync(keys.ProjectUrl, new() { ["Auth__JwksMinimumRefreshSeconds"] = "600" });
        await using var _ = api;
        using var __ = client;
        var user = Guid.NewGuid();
        var expired = keys.Payload(user);
        expired["iat"] = DateTimeOffset.UtcNow.AddHours(-2).ToUnixTimeSeconds();
        expired["exp"] = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeSeconds();
        var otherIssuer = keys.Payload(user);
        otherIssuer["iss"] = "https://another-project.supabase.co/auth/v1";
        var otherAudience = keys.Payload(user);
        otherAudience["aud"] = "anon";
        var cases = new (string Kind, string Token, string Detail)[]
        {
            ("a key not in the set", keys.TokenFor(unpublished, user), "is not one of the Supabase project's signing keys (unknown key)"),
            ("HS256 with the public key as secret", rs256.ForgeHs256WithPublicKey(keys.Payload(user)), "signature does not verify: it must be HS256"),
            ("expired", es256.Sign(expired), "has expired"),
            ("another issuer", es256.Sign(otherIssuer), "issued by another issuer"),
            ("another audience", rs256.Sign(otherAudience), "another audience"),
            ("an algorithm no key has", es256.Sign(keys.Payload(user), algorithm: "ES384"), "algorithm (alg) is not accepted here: it must be HS256"),
            ("a signature by another key under a published kid", impostor.Sign(keys.Payload(user)), "signature does not verify with the Supabase project's signing key"),
        };
        var before = await CountAsync(client);

        foreach (var (kind, token, detail) in cases)
        {
            for (var attempt = 0; attempt < 5; attempt++)
            {
                var response = await PostAsync(client, token);

                var problem = await HttpAssertions.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
                Assert.True(problem.Detail?.Contains(detail, StringComparison.Ordinal) == true, $"{kind}: {problem.Detail}");
                Assert.Contains("invalid_token", Assert.Single(response.Headers.WwwAuthenticate).Parameter);
                Assert.DoesNotContain(token.Split('.')[2], await response.Content.ReadAsStringAsync() + response.Headers);
            }
        }

        Assert.Equal(before, await CountAsync(client));
        // One fetch at start (the health probe), at most one more for the first unknown kid, 35 forged tokens later.
        Assert.InRange(keys.Fetches, 1, 2);
    }

    [Fact]
    public async Task AKeyRotatedIntoTheSetIsAcceptedOnceTheRefreshItsUnknownKidAsksForHasRun()
    {
        using var current = SigningKey.Es256("es256-current");
        using var rotatedIn = SigningKey.Rs256("rs256-standby");
        await using var keys = await SigningKeyServer.StartAsync(current);
        var (api, client) = await StartApiAsync(keys.ProjectUrl, new() { ["Auth__JwksMinimumRefreshSeconds"] = "1" });
        await using var _ = api;
        using var __ = client;
        Assert.Equal(HttpStatusCode.Created, (await PostAsync(client, keys.TokenFor(current, Guid.NewGuid()))).StatusCode);

        keys.Publish(rotatedIn);
        var user = Guid.NewGuid();
        var token = keys.TokenFor(rotatedIn, user);

        // The first token with the new kid asks for a refresh, which runs in the background; until it has, 401 "unknown key".
        var response = await PostAsync(client, token);
        var deadline = DateTime.UtcNow + RefreshTimeout;
        while (response.StatusCode != HttpStatusCode.Created && DateTime.UtcNow < deadline)
        {
            var problem = await HttpAssertions.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
            Assert.Contains("unknown key", problem.Detail);
            await Task.Delay(PollDelay);
            response = await PostAsync(client, token);
        }

        await AssertCreatedAndOwnedAsync(response, user);
        Assert.Equal(2, (await SigningKeysHealthAsync(client))["data"]!["keys"]!.GetValue<int>());
    }

    [Fact]
    public async Task WithTheKeyServerStoppedTokensOfTheCachedKeysKeepWorkingAndHealthIsDegradedWithTheError()
    {
        using var es256 = SigningKey.Es256("es256-current");
        using var rs256 = SigningKey.Rs256("rs256-previous");
        using var unpublished = SigningKey.Es256("es256-never-published");
        await using var keys = await SigningKeyServer.StartAsync(es256, rs256);
        var (api, client) = await StartApiAsync(keys.ProjectUrl, new() { ["Auth__JwksMinimumRefreshSeconds"] = "1" });
        await using var _ = api;
        using var __ = client;
        Assert.Equal(HttpStatusCode.Created, (await PostAsync(client, keys.TokenFor(es256, Guid.NewGuid()))).StatusCode);

        await keys.StopAsync();
        // An unknown kid makes the API fetch again, now from a closed port; wait until it has tried and failed.
        var health = await SigningKeysHealthAsync(client);
        var deadline = DateTime.UtcNow + RefreshTimeout;
        while (health["data"]!["lastRefreshError"] is null && DateTime.UtcNow < deadline)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(client, keys.TokenFor(unpublished, Guid.NewGuid()))).StatusCode);
            await Task.Delay(PollDelay);
            health = await SigningKeysHealthAsync(client);
        }

        Assert.Equal("Degraded", health["status"]!.GetValue<string>());
        Assert.Contains("could not be reached", health["data"]!["lastRefreshError"]!.GetValue<string>());
        Assert.Equal(2, health["data"]!["keys"]!.GetValue<int>());
        foreach (var key in new[] { es256, rs256 })
        {
            var user = Guid.NewGuid();
            await AssertCreatedAndOwnedAsync(await PostAsync(client, keys.TokenFor(key, user)), user);
        }

        // Degraded is still ready: a fetch failure with keys cached does not take the replica out of rotation.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
    }

    [Fact]
    public async Task WithTheSupabaseUrlAloneAndItsKeysUnreachableTokensAreRefusedSayingWhyAndTheApiStaysReady()
    {
        using var es256 = SigningKey.Es256("es256-current");
        var unreachable = $"http://127.0.0.1:{FreePort.Next()}";
        var (api, client) = await StartApiAsync(unreachable, new() { ["Auth__JwtSecret"] = "", ["Auth__JwksMinimumRefreshSeconds"] = "1" });
        await using var _ = api;
        using var __ = client;
        var payload = ForgedTokens.Payload(Guid.NewGuid().ToString());
        payload["iss"] = unreachable + "/auth/v1";

        var signedWithAKey = await HttpAssertions.AssertProblemAsync(await PostAsync(client, es256.Sign(payload)), HttpStatusCode.Unauthorized);
        // The client's own token is HS256: without a secret, nothing verifies it, least of all a public key.
        var forged = await HttpAssertions.AssertProblemAsync(
            await PostAsync(client, es256.ForgeHs256WithPublicKey(payload)), HttpStatusCode.Unauthorized);
        var signedWithTheSecret = await HttpAssertions.AssertProblemAsync(
            await client.PostAsJsonAsync("/api/v1/listings", ListingBodies.Valid()), HttpStatusCode.Unauthorized);

        Assert.Contains("signing keys could not be fetched and none are cached", signedWithAKey.Detail);
        Assert.Contains("algorithm (alg) is not accepted here: it must be ES256 or RS256", signedWithTheSecret.Detail);
        Assert.Equal(signedWithTheSecret.Detail, forged.Detail);
        var health = await SigningKeysHealthAsync(client);
        Assert.Equal("Degraded", health["status"]!.GetValue<string>());
        Assert.Equal(0, health["data"]!["keys"]!.GetValue<int>());
        Assert.Contains("could not be reached", health["data"]!["lastRefreshError"]!.GetValue<string>());
    }

    /// <summary>Starts the API on the fixture's database with <c>Auth__SupabaseUrl</c>, the test secret unless removed, and <paramref name="settings"/>.</summary>
    private async Task<(ProcessOutput Api, HttpClient Client)> StartApiAsync(string projectUrl, Dictionary<string, string>? settings = null)
    {
        var environment = new Dictionary<string, string>(settings ?? [])
        {
            ["ConnectionStrings__listingsdb"] = (await fixture.App.GetConnectionStringAsync(ListingsDatabase.ResourceName))!,
            ["Auth__SupabaseUrl"] = projectUrl,
        };
        return await ApiProcess.StartHealthyAsync(environment);
    }

    private static async Task AssertCreatedAndOwnedAsync(HttpResponseMessage response, Guid owner)
    {
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.Equal(owner, (await response.Content.ReadFromJsonAsync<ListingJson>())!.OwnerId);
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/listings") { Content = JsonContent.Create(ListingBodies.Valid()) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await client.SendAsync(request);
    }

    private static async Task<JsonNode> SigningKeysHealthAsync(HttpClient client) =>
        JsonNode.Parse(await client.GetStringAsync("/health"))!["entries"]![SigningKeysHealthCheckName]!;

    private static async Task<long> CountAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<ListingPageJson>("/api/v1/listings?pageSize=1"))!.TotalCount!.Value;
}
