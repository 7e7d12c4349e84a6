using System.Text.Json.Nodes;
using Listings.Tests.Infrastructure;

namespace Listings.Tests.Integration;

/// <summary>
/// A replica never holds more server connections than its plan counts, its pool and the cache listener's one connection
/// kept beside it: the server itself enforces it here, with a role whose <c>CONNECTION LIMIT</c> is that sum, so any
/// other connection opened beside the pool (the fleet check, a health probe, the migrations at start) is refused and
/// leaves a FATAL line in the server's log.
/// </summary>
public sealed class ConnectionsWithinThePlanTests(ThrowawayPostgres server) : IClassFixture<ThrowawayPostgres>
{
    private const int PoolSize = 4;

    // The cache's listener (CacheInvalidationListener.ConnectionsKept).
    private const int KeptBeside = 1;

    [Fact]
    public async Task UnderLoadWithTheFleetCheckEverySecondNoConnectionOpensBesideThePool()
    {
        var role = $"app_{Guid.NewGuid():N}"[..20];
        var password = $"Pa55-{Guid.NewGuid():N}";
        await using (var admin = await server.Server.OpenAsync("postgres", CancellationToken.None))
        await using (var create = admin.CreateCommand())
        {
            create.CommandText = $"CREATE ROLE {role} LOGIN CREATEDB CONNECTION LIMIT {PoolSize + KeptBeside} PASSWORD '{password}'";
            await create.ExecuteNonQueryAsync();
        }

        // Migrations run at start on the service's own login (Database:MigrateOnStart), so they take a pooled connection too.
        var (api, client) = await ApiProcess.StartHealthyAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings__listingsdb"] = $"Host=127.0.0.1;Port={server.Port};Username={role};Password={password};Database={role};Timeout=5",
            ["ConnectionPool__MaxPoolSize"] = $"{PoolSize}",
            ["ConnectionPool__FleetCheckSeconds"] = "1",
            ["ConnectionPool__ServerMaxConnections"] = "100",
        });
        await using var _ = api;
        using var __ = client;

        // 40 clients, 25 pages each, each client with a page size of its own so that its pages are not in the cache yet:
        // every pooled connection opens and stays open (idle lifetime 60 s) while the check runs.
        var statuses = await Task.WhenAll(Enumerable.Range(0, 40).Select(async clientIndex =>
        {
            var seen = new List<HttpStatusCode>();
            for (var i = 0; i < 25; i++)
            {
                seen.Add((await client.GetAsync($"/api/v1/listings?page={(i % 3) + 1}&pageSize={clientIndex + 1}")).StatusCode);
            }

            return seen;
        }));
        var loadEnded = DateTimeOffset.UtcNow;
        Assert.Contains(HttpStatusCode.OK, statuses.SelectMany(seen => seen));

        // Fleet checks after the load, with the pool's connections still open, each counting through the pool.
        JsonNode? fleet = null;
        for (var deadline = DateTimeOffset.UtcNow.AddSeconds(30); DateTimeOffset.UtcNow < deadline && !(fleet?["measuredAt"]?.GetValue<DateTimeOffset>() > loadEnded.AddSeconds(2));)
        {
            await Task.Delay(250);
            var health = JsonNode.Parse(await (await client.GetAsync("/health")).Content.ReadAsStringAsync());
            fleet = health?["entries"]?["database"]?["data"]?["fleet"];
        }

        Assert.DoesNotContain($"too many connections for role \"{role}\"", ServerLog());
        Assert.True(fleet?["measuredAt"]?.GetValue<DateTimeOffset>() > loadEnded.AddSeconds(2), $"no fleet check after the load: {fleet}\n{api.Text}");
        Assert.InRange(fleet!["connections"]!.GetValue<int>(), 1, PoolSize + KeptBeside);
        var database = JsonNode.Parse(await (await client.GetAsync("/health")).Content.ReadAsStringAsync())?["entries"]?["database"]?["data"];
        Assert.Equal(KeptBeside, database?["dedicatedConnections"]?.GetValue<int>());
    }

    private string ServerLog()
    {
        var path = Path.GetTempFileName();
        try
        {
            server.Server.CopyLogTo(path);
            return File.ReadAllText(path);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
