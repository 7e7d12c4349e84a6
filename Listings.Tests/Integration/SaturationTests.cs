using Listings.AppHost.Database;
using Listings.Tests.Infrastructure;
using Npgsql;

namespace Listings.Tests.Integration;

/// <summary>
/// Holds the pool busy for real: a transaction of the test locks a listing, so the API's updates of it block in the
/// database while holding their connections. Asserts what a client sees while the pool is saturated, and after.
/// </summary>
[Collection(ListingsAppCollection.Name)]
public sealed class SaturationTests(ListingsAppFixture fixture)
{
    private const int PoolSize = 3;
    private const int QueueLimit = 2;
    private const int QueueTimeoutMilliseconds = 300;

    // Generous on purpose: the point is "answered promptly" (not after the pool's 60 s Timeout), and machines are noisy.
    private static readonly TimeSpan PromptAnswer = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task ExcessRequestsAreRefusedQuicklyWhileThePoolIsHeldAndEverythingRecoversWithoutLosingWrites()
    {
        var connectionString = (await fixture.App.GetConnectionStringAsync(ListingsDatabase.ResourceName))!;
        var (api, client) = await ApiProcess.StartHealthyAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings__listingsdb"] = connectionString,
            ["ConnectionPool__MaxPoolSize"] = PoolSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Admission__QueueLimit"] = QueueLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Admission__QueueTimeoutMilliseconds"] = QueueTimeoutMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // The blocked updates must outwait the test's lock, not end at the 2 s default lock_timeout.
            ["ConnectionPool__LockTimeoutMs"] = "0",
            ["ConnectionPool__StatementTimeoutMs"] = "0",
        });
        await using var _ = api;
        using var __ = client;
        var target = await CreateAsync(client, "Locked by the test");

        // Lock the listing: every update of it now waits in the database, holding one of the API's connections.
        await using var rowLock = await RowLock.TakeAsync(connectionString, target.Id);

        var blockedUpdates = Enumerable.Range(0, PoolSize)
            .Select(i => client.PutAsJsonAsync($"/api/v1/listings/{target.Id}", ListingBodies.Valid($"Update {i} that waited for the lock")))
            .ToList();
        await Poll.UntilAsync(async () => await BlockedBackendsAsync(connectionString) >= PoolSize, "the updates to block on the lock");

        // Every slot is held: further requests wait at most the queue bound, then get 503 with Retry-After.
        var extraWrites = Enumerable.Range(0, 8)
            .Select(i => Timed.SendAsync(() => client.PostAsJsonAsync("/api/v1/listings", ListingBodies.Valid($"Written during saturation {i} {Guid.NewGuid():N}"))))
            .ToList();
        var extraReads = Enumerable.Range(0, 8).Select(_ => Timed.SendAsync(() => client.GetAsync("/api/v1/listings?page=1"))).ToList();
        var refused = await Task.WhenAll(extraWrites.Concat(extraReads));

        Assert.All(refused, result =>
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, result.Response.StatusCode);
            // The gate's estimate of when a slot frees up: nothing is freed while the lock is held, so it is long.
            Assert.True(result.Response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After {result.Response.Headers.RetryAfter}");
            Assert.Equal("application/problem+json", result.Response.Content.Headers.ContentType?.MediaType);
            Assert.True(result.Elapsed < PromptAnswer, $"answered after {result.Elapsed}");
        });

        var alive = await Timed.SendAsync(() => client.GetAsync("/alive"));
        Assert.Equal(HttpStatusCode.OK, alive.Response.StatusCode);
        Assert.True(alive.Elapsed < PromptAnswer, $"/alive answered after {alive.Elapsed}");

        var degraded = string.Empty;
        await Poll.UntilAsync(async () => (degraded = await client.GetStringAsync("/health")).Contains("\"status\":\"Degraded\""), "/health to say Degraded");
        Assert.Contains("connection pool saturated", degraded);
        Assert.Contains("\"inUse\":3", degraded);

        // Release the lock: the blocked updates finish, the service heals, and every acknowledged write is there.
        await rowLock.ReleaseAsync();
        var updates = await Task.WhenAll(blockedUpdates);
        Assert.All(updates, response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));

        await Poll.UntilAsync(async () => (await client.GetStringAsync("/health")).Contains("\"status\":\"Healthy\""), "/health to be Healthy again");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/listings?page=1")).StatusCode);

        var final = await client.GetFromJsonAsync<ListingJson>($"/api/v1/listings/{target.Id}");
        Assert.StartsWith("Update ", final!.Title);
        var recovered = await CreateAsync(client, "Written after recovery");
        Assert.Equal(recovered, await client.GetFromJsonAsync<ListingJson>($"/api/v1/listings/{recovered.Id}"));
        Assert.Equal(0, await CountTitlesAsync(connectionString, "Written during saturation %"));

        // The demand the service measured (saturated a moment ago) reaches db-info, with a recommendation.
        var health = System.Text.Json.Nodes.JsonNode.Parse(await client.GetStringAsync("/health"))!;
        var demand = health["entries"]!["database"]!["data"]!["demand"]!;
        Assert.True(demand["p99Concurrent"]!.GetValue<int>() >= PoolSize, demand.ToJsonString());
        // The short holds (the reads and creates) tell work from the waiting of the updates blocked on the lock.
        Assert.True(demand["shortHoldMilliseconds"]!.GetValue<double>() > 0, demand.ToJsonString());
        Assert.True(demand["workingConnections"]!.GetValue<double>() <= demand["littlesLawConnections"]!.GetValue<double>(), demand.ToJsonString());
        await using var dbInfo = ApiProcess.Start(
            new Dictionary<string, string> { ["ConnectionStrings__listingsdb"] = connectionString, ["ConnectionPool__MaxPoolSize"] = "3" },
            FreePort.Next(),
            "db-info", "--json", "--service", client.BaseAddress!.ToString().TrimEnd('/'));
        Assert.Equal(0, await dbInfo.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var report = System.Text.Json.Nodes.JsonNode.Parse(dbInfo.Text[dbInfo.Text.IndexOf('{', StringComparison.Ordinal)..])!;
        Assert.True(report["recommendedMaxPoolSize"]!.GetValue<int>() >= 2, report.ToJsonString());
        Assert.True(report["demand"]!["p99Concurrent"]!.GetValue<int>() >= PoolSize);
    }

    [Fact]
    public async Task PoolExhaustedWithoutAdmissionControlIsA503WithRetryAfterAndOneLogLineWithThePoolNumbers()
    {
        var connectionString = (await fixture.App.GetConnectionStringAsync(ListingsDatabase.ResourceName))!;
        var (api, client) = await ApiProcess.StartHealthyAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings__listingsdb"] = connectionString,
            ["ConnectionPool__MaxPoolSize"] = "1",
            ["ConnectionPool__TimeoutSeconds"] = "1",
            ["Admission__Enabled"] = "false",
            ["DatabaseRetry__MaxRetryCount"] = "0",
            ["ConnectionPool__LockTimeoutMs"] = "0",
            ["ConnectionPool__StatementTimeoutMs"] = "0",
        });
        await using var _ = api;
        using var __ = client;
        var target = await CreateAsync(client, "Holds the only connection");

        await using var rowLock = await RowLock.TakeAsync(connectionString, target.Id);

        var blocked = client.PutAsJsonAsync($"/api/v1/listings/{target.Id}", ListingBodies.Valid("Waited for the lock"));
        await Poll.UntilAsync(async () => await BlockedBackendsAsync(connectionString) >= 1, "the update to block on the lock");

        var exhausted = await Timed.SendAsync(() => client.GetAsync("/api/v1/listings?page=1"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, exhausted.Response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), exhausted.Response.Headers.RetryAfter?.Delta);
        Assert.Equal("application/problem+json", exhausted.Response.Content.Headers.ContentType?.MediaType);
        Assert.True(exhausted.Elapsed < PromptAnswer, $"answered after {exhausted.Elapsed}");

        await rowLock.ReleaseAsync();
        Assert.Equal(HttpStatusCode.OK, (await blocked).StatusCode);
        await Poll.UntilAsync(() => Task.FromResult(api.Text.Contains("Database unavailable during GET /api/v1/listings")), "the log line");
        var logLines = api.Text.Split('\n').Where(line => line.Contains("Database unavailable during GET /api/v1/listings", StringComparison.Ordinal)).ToList();
        Assert.Single(logLines);
        Assert.Contains("pool: 1 of 1 in use", logLines[0]);
        Assert.DoesNotContain(new NpgsqlConnectionStringBuilder(connectionString).Password!, api.Text);
    }

    private static async Task<ListingJson> CreateAsync(HttpClient client, string title)
    {
        var response = await client.PostAsJsonAsync("/api/v1/listings", ListingBodies.Valid(title));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ListingJson>())!;
    }

    private static async Task<long> BlockedBackendsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND application_name = 'Listings.Api'", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<long> CountTitlesAsync(string connectionString, string pattern)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM listings WHERE title LIKE $1", connection);
        command.Parameters.AddWithValue(pattern);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
