using System.Text.Json.Nodes;
using Listings.AppHost.Database;
using Listings.Tests.Infrastructure;
using Npgsql;

namespace Listings.Tests.Integration;

/// <summary>
/// No request holds a connection without bound: another session's table lock ends in 503 with <c>Retry-After</c>
/// (directly and behind a real PgBouncer in transaction mode, where <c>SET LOCAL</c> carries the limit), a long hold is
/// logged once with its route and trace id, and replicas holding more than their budget show in <c>/health</c>.
/// </summary>
[Collection(ListingsAppCollection.Name)]
public sealed class BoundedWorkTests(ListingsAppFixture fixture)
{
    // The documented bound: lock_timeout (2 s) plus the work around it. Generous: far below the 30 s an unbounded
    // request waits for Npgsql's command timeout, far above any machine's noise.
    private static readonly TimeSpan DocumentedBound = TimeSpan.FromSeconds(15);

    [Theory]
    [InlineData("direct")]
    [InlineData("transaction-pooler")]
    public async Task ListRequestsUnderAnotherSessionsTableLockAnswer503WithRetryAfterAndLeaveNoBackendWaiting(string mode)
    {
        var connectionString = (await fixture.App.GetConnectionStringAsync(ListingsDatabase.ResourceName))!;
        await using var bouncer = mode == "transaction-pooler" ? await PgBouncer.StartAsync(connectionString) : null;
        var (api, client) = await ApiProcess.StartHealthyAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings__listingsdb"] = bouncer?.ClientConnectionString(connectionString) ?? connectionString,
            // Migrations never run through a transaction pooler: they take the direct connection.
            ["ConnectionStrings__listingsdb-migrations"] = connectionString,
            ["ConnectionPool__Mode"] = mode,
            ["ConnectionPool__ServerMaxConnections"] = "60",
        });
        await using var _ = api;
        using var __ = client;
        Assert.Contains("limits statement 5000 ms, lock 2000 ms, idle in transaction 10000 ms", api.Text);

        await using (var tableLock = await TableLockAsync(connectionString))
        {
            var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Timed.SendAsync(() => client.GetAsync("/api/v1/listings?page=1"))));

            Assert.All(answers, answer =>
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.Response.StatusCode);
                Assert.Equal(TimeSpan.FromSeconds(1), answer.Response.Headers.RetryAfter?.Delta);
                Assert.Equal("application/problem+json", answer.Response.Content.Headers.ContentType?.MediaType);
                Assert.True(answer.Elapsed < DocumentedBound, $"answered after {answer.Elapsed}");
            });
            // The server ended the wait (55P03), not the pool's Timeout or Npgsql's command timeout.
            Assert.Contains("55P03", api.Text);

            // Every backend the requests used gives up its wait; the lock is still held.
            await Poll.UntilAsync(async () => await BackendsWaitingForLocksAsync(connectionString) == 0, "no backend to wait for the lock");
        }

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/listings?page=1")).StatusCode);
        Assert.DoesNotContain(" 500 ", api.Text);
    }

    [Fact]
    public async Task AConnectionHeldPastTheWarningThresholdIsLoggedOnceWithItsRouteAndTraceId()
    {
        var connectionString = (await fixture.App.GetConnectionStringAsync(ListingsDatabase.ResourceName))!;
        var (api, client) = await ApiProcess.StartHealthyAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings__listingsdb"] = connectionString,
            ["ConnectionPool__LongHoldWarningMs"] = "200",
            ["ConnectionPool__LockTimeoutMs"] = "0",
            ["DatabaseRetry__MaxRetryCount"] = "0",
        });
        await using var _ = api;
        using var __ = client;
        var created = await client.PostAsJsonAsync("/api/v1/listings", ListingBodies.Valid("Held by the test's lock"));
        var target = (await created.Content.ReadFromJsonAsync<ListingJson>())!;

        HttpResponseMessage update;
        await using (var rowLock = await RowLock.TakeAsync(connectionString, target.Id))
        {
            var blocked = client.PutAsJsonAsync($"/api/v1/listings/{target.Id}", ListingBodies.Valid("Waited for the lock"));
            await Poll.UntilAsync(() => Task.FromResult(LongHoldLines(api).Count > 0), "the long-hold warning");

            var health = JsonNode.Parse(await client.GetStringAsync("/health"))!["entries"]!["database"]!["data"]!;
            var longest = health["longestHolds"]!.AsArray();
            Assert.Contains(longest, hold => hold!["route"]!.GetValue<string>() == "PUT /api/v1/listings/{id}");
            Assert.True(health["longHolds"]!.GetValue<long>() >= 1);

            await rowLock.ReleaseAsync();
            update = await blocked;
        }

        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        var line = Assert.Single(LongHoldLines(api));
        Assert.Contains("PUT /api/v1/listings/{id}", line);
        Assert.Matches("trace [0-9a-f]{32}", line);
        Assert.Contains("over ConnectionPool:LongHoldWarningMs (200 ms)", line);
    }

    [Fact]
    public async Task ReplicasHoldingMoreThanTheBudgetMakeHealthDegradedWithTheNumbers()
    {
        var connectionString = (await fixture.App.GetConnectionStringAsync(ListingsDatabase.ResourceName))!;
        // A budget of 3 connections (a third of 9), every pool sized 1 for one replica and one surge.
        var (api, client) = await ApiProcess.StartHealthyAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings__listingsdb"] = connectionString,
            ["ConnectionPool__ServerMaxConnections"] = "9",
            ["ConnectionPool__FleetCheckSeconds"] = "1",
        });
        await using var _ = api;
        using var __ = client;
        Assert.Contains("Maximum Pool Size 1 (chosen by budget)", api.Text);

        // Peers the plan did not count on: replicas started beyond MaxReplicas + SurgeReplicas.
        var peers = new List<NpgsqlConnection>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                var peer = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = "Listings.Api", Pooling = false }.ConnectionString);
                await peer.OpenAsync();
                peers.Add(peer);
            }

            var degraded = "";
            await Poll.UntilAsync(async () => (degraded = await client.GetStringAsync("/health")).Contains("\"status\":\"Degraded\""), "/health to say Degraded");
            Assert.Contains("server connections named Listings.Api, over the budget of 3", degraded);
            Assert.Contains("\"fleet\"", degraded);
        }
        finally
        {
            foreach (var peer in peers)
            {
                await peer.DisposeAsync();
            }
        }

        await Poll.UntilAsync(async () => (await client.GetStringAsync("/health")).Contains("\"status\":\"Healthy\""), "/health to be Healthy again");
    }

    private static List<string> LongHoldLines(ProcessOutput api) =>
        [.. api.Text.Split('\n').Where(line => line.Contains("Connection held long: PUT", StringComparison.Ordinal))];

    // A session of the test's own holding ACCESS EXCLUSIVE on listings: even reads wait for it.
    private static async Task<NpgsqlConnection> TableLockAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var begin = new NpgsqlCommand("BEGIN; LOCK TABLE listings IN ACCESS EXCLUSIVE MODE", connection);
        await begin.ExecuteNonQueryAsync();
        return connection;
    }

    private static async Task<long> BackendsWaitingForLocksAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
