using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Listings.Tests.Infrastructure;

namespace Listings.Tests.Integration;

/// <summary>
/// The cache over a real streaming standby: a page refilled after a write's eviction comes from a host that has replayed
/// the write, here the primary while the standby's replay is paused, never the stale standby.
/// </summary>
public sealed class CachedReadsOnReplicasTests(ReplicatedPostgres servers) : IClassFixture<ReplicatedPostgres>
{
    private const string Page = "/api/v1/listings?page=1&pageSize=5";

    [Fact]
    public async Task APageRefilledAfterAWriteIsReadWhereTheWriteIsReplayed()
    {
        var database = $"cache_replica_{Guid.NewGuid():N}";
        var (api, writer) = await ApiProcess.StartHealthyAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings__listingsdb"] = servers.Primary.ConnectionString(database),
            ["ConnectionStrings__listingsdb-read"] = servers.Standby.ConnectionString(database),
            ["ConnectionPool__ServerMaxConnections"] = "100",
            // The standby stays in the rotation however long replay is paused: only the cache's floor keeps it out.
            ["ReadReplicas__MaxLagSeconds"] = "600",
            ["DatabaseInitialization__SeedCount"] = "20",
        });
        await using var _ = api;
        using var __ = writer;
        using var reader = new HttpClient { BaseAddress = writer.BaseAddress, Timeout = TimeSpan.FromMinutes(1) };
        await Poll.UntilAsync(() => Task.FromResult(api.Text.Contains("The cache listens for other replicas' writes.", StringComparison.Ordinal)), "the cache's listener to listen");
        await Poll.UntilAsync(async () => await ServingAsync(reader), "the standby to serve reads");
        await reader.GetAsync(Page);

        await servers.Standby.PauseReplayAsync(CancellationToken.None);
        try
        {
            var created = await writer.PostAsJsonAsync("/api/v1/listings", ListingBodies.Valid("Newest, written while replay is paused"));
            var id = (await created.Content.ReadFromJsonAsync<ListingJson>())!.Id;

            // The refill, and every read it then serves, shows the write although the standby lacks it.
            for (var i = 0; i < 3; i++)
            {
                var page = JsonNode.Parse(await (await reader.GetAsync(Page)).Content.ReadAsStringAsync())!;
                Assert.Contains(id, page["items"]!.AsArray().Select(item => item!["id"]!.GetValue<long>()));
            }
        }
        finally
        {
            await servers.Standby.ResumeReplayAsync(CancellationToken.None);
        }
    }

    private static async Task<bool> ServingAsync(HttpClient client)
    {
        var health = JsonNode.Parse(await (await client.GetAsync("/health")).Content.ReadAsStringAsync())!;
        return health["entries"]!["read-replicas"]!["data"]!["hosts"]!.AsObject().All(host => host.Value!["status"]!.GetValue<string>() == "serving");
    }
}
