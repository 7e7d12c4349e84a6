using System.Net.Http.Headers;
using Listings.Tests.Infrastructure;

namespace Listings.Tests.Integration;

/// <summary>Writes sent with an Idempotency-Key: a client that repeats a request never writes twice.</summary>
[Collection(ListingsAppCollection.Name)]
public sealed class IdempotencyTests(ListingsAppFixture fixture)
{
    private readonly HttpClient _client = fixture.CreateUserClient();

    [Fact]
    public async Task RepeatingAPostWithTheSameKeyReturnsTheFirstAnswerAndCreatesOneListing()
    {
        var key = Guid.NewGuid().ToString();
        var before = await CountAsync();

        var first = await PostAsync(key, ListingBodies.Valid("Posted once, sent twice"));
        var second = await PostAsync(key, ListingBodies.Valid("Posted once, sent twice"));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Equal(await first.Content.ReadFromJsonAsync<ListingJson>(), await second.Content.ReadFromJsonAsync<ListingJson>());
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(before + 1, await CountAsync());
    }

    [Fact]
    public async Task ConcurrentRetriesWithOneKeyCreateExactlyOneListing()
    {
        var key = Guid.NewGuid().ToString();
        var before = await CountAsync();

        // As many as the admission limit (the pool's size) lets in at once: one more would wait in the queue, whose bound
        // (Admission:QueueTimeoutMilliseconds) a slow machine can pass.
        var health = System.Text.Json.Nodes.JsonNode.Parse(await _client.GetStringAsync("/health"));
        var concurrent = health!["entries"]!["database"]!["data"]!["maxPoolSize"]!.GetValue<int>();
        Assert.InRange(concurrent, 2, 20);
        var responses = await Task.WhenAll(Enumerable.Range(0, concurrent).Select(_ => PostAsync(key, ListingBodies.Valid("Raced at once"))));

        Assert.All(responses, response => Assert.Equal(HttpStatusCode.Created, response.StatusCode));
        var ids = await Task.WhenAll(responses.Select(async response => (await response.Content.ReadFromJsonAsync<ListingJson>())!.Id));
        Assert.Single(ids.Distinct());
        Assert.Equal(before + 1, await CountAsync());
    }

    [Fact]
    public async Task RepeatingAPutWithTheSameKeyReturnsTheFirstAnswerUnchanged()
    {
        var created = await (await PostAsync(Guid.NewGuid().ToString(), ListingBodies.Valid("To be replaced"))).Content.ReadFromJsonAsync<ListingJson>();
        var key = Guid.NewGuid().ToString();

        var first = await PutAsync(created!.Id, key, ListingBodies.Valid("Replaced once"));
        var second = await PutAsync(created.Id, key, ListingBodies.Valid("Replaced once"));

        var firstBody = await first.Content.ReadFromJsonAsync<ListingJson>();
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(firstBody, await second.Content.ReadFromJsonAsync<ListingJson>());
        Assert.Equal(firstBody, await _client.GetFromJsonAsync<ListingJson>($"/api/v1/listings/{created.Id}"));
    }

    [Fact]
    public async Task TheSameKeyWithADifferentRequestIsRefusedAndWritesNothing()
    {
        var key = Guid.NewGuid().ToString();
        await PostAsync(key, ListingBodies.Valid("The first request"));
        var before = await CountAsync();

        var reused = await PostAsync(key, ListingBodies.Valid("A different request"));

        var problem = await HttpAssertions.AssertProblemAsync(reused, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("Idempotency-Key reused", problem.Title);
        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task TheSameKeyFromTwoUsersCreatesTwoListingsAndReplaysNeitherToTheOther()
    {
        var key = Guid.NewGuid().ToString();
        var (alice, bob) = (Guid.NewGuid(), Guid.NewGuid());
        using var aliceClient = fixture.CreateUserClient(alice);
        using var bobClient = fixture.CreateUserClient(bob);
        var before = await CountAsync();

        var fromAlice = await SendAsync(aliceClient, HttpMethod.Post, "/api/v1/listings", key, ListingBodies.Valid("One key, two users"));
        var fromBob = await SendAsync(bobClient, HttpMethod.Post, "/api/v1/listings", key, ListingBodies.Valid("One key, two users"));
        var aliceAgain = await SendAsync(aliceClient, HttpMethod.Post, "/api/v1/listings", key, ListingBodies.Valid("One key, two users"));

        Assert.Equal(HttpStatusCode.Created, fromAlice.StatusCode);
        Assert.Equal(HttpStatusCode.Created, fromBob.StatusCode);
        Assert.False(fromBob.Headers.Contains("Idempotent-Replayed"));
        var aliceListing = await fromAlice.Content.ReadFromJsonAsync<ListingJson>();
        var bobListing = await fromBob.Content.ReadFromJsonAsync<ListingJson>();
        Assert.NotEqual(aliceListing!.Id, bobListing!.Id);
        Assert.Equal(alice, aliceListing.OwnerId);
        Assert.Equal(bob, bobListing.OwnerId);
        Assert.Equal("true", aliceAgain.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(aliceListing, await aliceAgain.Content.ReadFromJsonAsync<ListingJson>());
        Assert.Equal(before + 2, await CountAsync());
    }

    [Fact]
    public async Task AKeyThatFoundNothingToUpdateIsNotSpent()
    {
        var key = Guid.NewGuid().ToString();
        var missing = await PutAsync(987654321, key, ListingBodies.Valid("Nowhere"));
        var created = await PostAsync(key, ListingBodies.Valid("Nowhere"));

        await HttpAssertions.AssertProblemAsync(missing, HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    public static TheoryData<string> MalformedKeys => ["", "has space", new string('k', 256)];

    [Theory]
    [MemberData(nameof(MalformedKeys))]
    public async Task MalformedKeyIsValidationProblemAndWritesNothing(string key)
    {
        var before = await CountAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/listings") { Content = JsonContent.Create(ListingBodies.Valid()) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);

        var response = await _client.SendAsync(request);

        var problem = await HttpAssertions.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("Idempotency-Key", problem.Errors!.Keys);
        Assert.Equal(before, await CountAsync());
    }

    [Theory]
    // Kestrel refuses a NUL, or bytes that are not UTF-8, in a header itself, with a bare 400 before the app runs; a
    // UTF-8 key past ASCII reaches the app and is a validation problem naming the header.
    [InlineData(new byte[] { 0x6B, 0x00, 0x31 }, false)]
    [InlineData(new byte[] { 0x6B, 0xFF }, false)]
    [InlineData(new byte[] { 0x63, 0x6C, 0xC3, 0xA9 }, true)]
    public async Task KeyWithANulOrABytePastAsciiIsRefusedWith400AndWritesNothing(byte[] key, bool reachesTheApp)
    {
        // HttpClient will not send these bytes in a header: a raw request does, as any client could.
        var before = await CountAsync();
        var body = System.Text.Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(ListingBodies.Valid()));
        var head = System.Text.Encoding.ASCII.GetBytes(
            $"POST /api/v1/listings HTTP/1.1\r\nHost: {_client.BaseAddress!.Authority}\r\n" +
            $"Authorization: {_client.DefaultRequestHeaders.Authorization}\r\nContent-Type: application/json\r\n" +
            $"Content-Length: {body.Length}\r\nConnection: close\r\nIdempotency-Key: ");

        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(_client.BaseAddress.Host, _client.BaseAddress.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync((byte[])[.. head, .. key, .. "\r\n\r\n"u8.ToArray(), .. body]);
        using var reader = new StreamReader(stream, System.Text.Encoding.ASCII);
        var response = await reader.ReadToEndAsync();

        Assert.StartsWith("HTTP/1.1 400", response);
        if (reachesTheApp)
        {
            Assert.Contains("application/problem+json", response);
            Assert.Contains("\"errors\":{\"Idempotency-Key\"", response);
        }
        else
        {
            Assert.Contains("Content-Length: 0", response);
        }

        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task KeysOlderThanADayArePurgedAndYoungerOnesKept()
    {
        var connectionString = (await fixture.App.GetConnectionStringAsync(Listings.AppHost.Database.ListingsDatabase.ResourceName))!;
        var old = $"old-{Guid.NewGuid():N}";
        var young = $"young-{Guid.NewGuid():N}";
        await using (var connection = new Npgsql.NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var insert = new Npgsql.NpgsqlCommand(
                "INSERT INTO idempotency_keys (owner_id, key, fingerprint, response_body, created_at) VALUES"
                + " (gen_random_uuid(), $1, 'POST /api/v1/listings x', 'null', now() - interval '25 hours'),"
                + " (gen_random_uuid(), $2, 'POST /api/v1/listings x', 'null', now() - interval '23 hours')",
                connection);
            insert.Parameters.AddWithValue(old);
            insert.Parameters.AddWithValue(young);
            await insert.ExecuteNonQueryAsync();
        }

        // A replica purges once its database is initialized, then hourly.
        var (api, client) = await ApiProcess.StartHealthyAsync(new Dictionary<string, string> { ["ConnectionStrings__listingsdb"] = connectionString });
        await using var _ = api;
        using var __ = client;

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (await KeyExistsAsync(connectionString, old) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        Assert.False(await KeyExistsAsync(connectionString, old));
        Assert.True(await KeyExistsAsync(connectionString, young));
    }

    [Fact]
    public async Task OpenApiDocumentsTheHeader() =>
        Assert.Contains("\"Idempotency-Key\"", await _client.GetStringAsync("/openapi/v1.json"));

    private static async Task<bool> KeyExistsAsync(string connectionString, string key)
    {
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var select = new Npgsql.NpgsqlCommand("SELECT count(*) FROM idempotency_keys WHERE key = $1", connection);
        select.Parameters.AddWithValue(key);
        return (long)(await select.ExecuteScalarAsync())! > 0;
    }

    private Task<HttpResponseMessage> PostAsync(string key, object body) => SendAsync(HttpMethod.Post, "/api/v1/listings", key, body);

    private Task<HttpResponseMessage> PutAsync(long id, string key, object body) => SendAsync(HttpMethod.Put, $"/api/v1/listings/{id}", key, body);

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string key, object body) =>
        SendAsync(_client, method, path, key, body);

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, string key, object body)
    {
        var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return client.SendAsync(request);
    }

    private async Task<long> CountAsync() =>
        (await _client.GetFromJsonAsync<ListingPageJson>("/api/v1/listings?pageSize=1"))!.TotalCount!.Value;
}
