using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Listings.ServiceDefaults.Health;
using Listings.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace Listings.Tests.Integration;

/// <summary>
/// A replica that is asked to stop (SIGTERM) drains (<c>Drain</c> settings): <c>/health</c> fails first, it keeps serving
/// through the grace period, the requests in progress finish, the pools are cleared, and it exits 0. Behind a real load
/// balancer (HAProxy probing <c>/health</c>), a rolling restart of three replicas under steady load loses no request.
/// </summary>
public sealed class DrainOnStopTests(ThrowawayPostgres server, ITestOutputHelper output) : IClassFixture<ThrowawayPostgres>
{
    [Fact]
    public async Task OnSigtermHealthFailsFirstWorkInProgressFinishesAndTheProcessExitsCleanly()
    {
        var database = $"drain_{Guid.NewGuid():N}";
        var (api, client) = await ApiProcess.StartHealthyAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings__listingsdb"] = server.Server.ConnectionString(database),
            ["ConnectionPool__ServerMaxConnections"] = "100",
            ["ConnectionPool__LockTimeoutMs"] = "120000",
            ["ConnectionPool__StatementTimeoutMs"] = "120000",
            // Long enough that every step below happens inside it on any machine.
            ["Drain__GracePeriodSeconds"] = "15",
            ["Drain__RequestTimeoutSeconds"] = "60",
        });
        await using var _ = api;
        using var __ = client;

        var created = await client.PostAsJsonAsync("/api/v1/listings", ListingBodies.Valid("Being updated at stop"));
        var id = (await created.Content.ReadFromJsonAsync<ListingJson>())!.Id;
        await using var rowLock = await RowLock.TakeAsync(server.Server.ConnectionString(database), id);
        var inProgress = client.PutAsJsonAsync($"/api/v1/listings/{id}", ListingBodies.Valid("Updated while stopping"));
        await Poll.UntilAsync(async () => await WaitingOnLocksAsync(database) >= 1, "the update to wait for the row lock", TimeSpan.FromSeconds(30));

        api.Terminate();

        // Readiness fails first; liveness holds; the replica still serves, closing each connection after its answer.
        await Poll.UntilAsync(async () => (await client.GetAsync("/health")).StatusCode == HttpStatusCode.ServiceUnavailable, "/health to fail", TimeSpan.FromSeconds(30));
        var health = JsonNode.Parse(await (await client.GetAsync("/health")).Content.ReadAsStringAsync())!;
        Assert.Equal("Unhealthy", health["entries"]![DrainHealthCheck.Name]!["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/alive")).StatusCode);
        var read = await client.GetAsync("/api/v1/listings?pageSize=5");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.True(read.Headers.ConnectionClose, "a draining replica's answers close their connection");
        Assert.False(inProgress.IsCompleted);

        // The request in progress finishes with its answer, then the process exits on its own, pools cleared.
        await rowLock.ReleaseAsync();
        Assert.Equal(HttpStatusCode.OK, (await inProgress).StatusCode);
        Assert.Equal(0, await api.WaitForExitAsync(TimeSpan.FromMinutes(2)));
        Assert.Contains("database pools cleared", api.Text);
        await Poll.UntilAsync(async () => await ConnectionsAsync(database) == 0, "the replica's server connections to close", TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task ARollingRestartOfThreeReplicasBehindALoadBalancerLosesNoRequest()
    {
        var database = $"rolling_{Guid.NewGuid():N}";
        var ports = Enumerable.Range(0, 3).Select(_ => FreePort.Next()).ToArray();
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__listingsdb"] = server.Server.ConnectionString(database),
            ["ConnectionPool__ServerMaxConnections"] = "100",
            ["DatabaseInitialization__SeedCount"] = "50",
            // Many of the load balancer's probe intervals (HaProxy.ProbeInterval): it drops a replica at its first failed probe.
            ["Drain__GracePeriodSeconds"] = "3",
            // The load below comes through the balancer, one address.
            ["FairShare__Enabled"] = "false",
        };
        var replicas = new ProcessOutput[3];
        try
        {
            for (var i = 0; i < replicas.Length; i++)
            {
                replicas[i] = await StartReplicaAsync(environment, ports[i]);
            }

            await using var balancer = await HaProxy.StartAsync(ports);
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{balancer.Port}"), Timeout = TimeSpan.FromMinutes(2) };

            // Steady load: 12 readers and 3 writers (each write with an Idempotency-Key), until the restarts are done.
            using var stop = new CancellationTokenSource();
            var answers = new ConcurrentQueue<(string Kind, HttpStatusCode? Status, bool RetryAfter, string? Error)>();
            var load = Enumerable.Range(0, 15).Select(worker => Task.Run(async () =>
            {
                var writer = worker < 3;
                var token = TestAuth.TokenFor(Guid.NewGuid());
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    using var request = writer
                        ? new HttpRequestMessage(HttpMethod.Post, "/api/v1/listings") { Content = JsonContent.Create(ListingBodies.Valid($"Rolling {worker}/{i}")) }
                        : new HttpRequestMessage(HttpMethod.Get, $"/api/v1/listings?page={(i % 3) + 1}&pageSize=10");
                    if (writer)
                    {
                        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                        request.Headers.Add("Idempotency-Key", $"rolling-{worker}-{i}");
                    }

                    try
                    {
                        using var answer = await client.SendAsync(request);
                        var body = answer.IsSuccessStatusCode ? null : await answer.Content.ReadAsStringAsync();
                        answers.Enqueue((writer ? "write" : "read", answer.StatusCode, answer.Headers.RetryAfter is not null, body));
                    }
                    catch (HttpRequestException error)
                    {
                        answers.Enqueue((writer ? "write" : "read", null, false, error.Message));
                    }
                }
            })).ToList();

            // Each replica in turn: asked to stop, waited for, started again on its port, taken back by the balancer.
            for (var i = 0; i < replicas.Length; i++)
            {
                var servedBefore = answers.Count;
                await Poll.UntilAsync(() => Task.FromResult(answers.Count > servedBefore + 50), "load before the restart", TimeSpan.FromSeconds(30));
                replicas[i].Terminate();
                Assert.Equal(0, await replicas[i].WaitForExitAsync(TimeSpan.FromMinutes(1)));
                await replicas[i].DisposeAsync();
                replicas[i] = null!;
                replicas[i] = await StartReplicaAsync(environment, ports[i]);
                await UpAgainAsync(balancer, i);
            }

            var servedAfter = answers.Count;
            await Poll.UntilAsync(() => Task.FromResult(answers.Count > servedAfter + 50), "load after the restarts", TimeSpan.FromSeconds(30));
            await stop.CancelAsync();
            await Task.WhenAll(load);

            var all = answers.ToList();
            var summary = string.Join(", ", all.GroupBy(a => (a.Kind, a.Status)).Select(g => $"{g.Key.Kind} {(g.Key.Status is { } s ? ((int)s).ToString(System.Globalization.CultureInfo.InvariantCulture) : "error")}: {g.Count()}"));
            output.WriteLine($"rolling restart of 3 replicas: {all.Count} requests; {summary}");
            Assert.True(all.All(a => a.Status is HttpStatusCode.OK or HttpStatusCode.Created || (a.Status == HttpStatusCode.ServiceUnavailable && a.RetryAfter)),
                $"{summary}; first other: {all.FirstOrDefault(a => a.Status is not (HttpStatusCode.OK or HttpStatusCode.Created) && !(a.Status == HttpStatusCode.ServiceUnavailable && a.RetryAfter))}\n{balancer.Text}");

            // Every acknowledged write is stored, once.
            var acknowledged = all.Count(a => a is { Kind: "write", Status: HttpStatusCode.Created });
            Assert.Equal((long)acknowledged, await ScalarAsync<long>(database, "SELECT count(*) FROM listings WHERE title LIKE 'Rolling %'"));
        }
        finally
        {
            foreach (var replica in replicas.Where(replica => replica is not null))
            {
                await replica.DisposeAsync();
            }
        }
    }

    private static async Task<ProcessOutput> StartReplicaAsync(Dictionary<string, string> environment, int port)
    {
        var replica = ApiProcess.Start(environment, port);
        using var direct = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        try
        {
            await ApiProcess.WaitUntilHealthyAsync(replica, direct, TimeSpan.FromSeconds(90));
            return replica;
        }
        catch
        {
            await replica.DisposeAsync();
            throw;
        }
    }

    // HAProxy starts with every replica up and logs each change: a replica it dropped is back at its "UP".
    private static Task UpAgainAsync(HaProxy balancer, int replica) => Poll.UntilAsync(
        () => Task.FromResult(CountOf(balancer.Text, $"replicas/api{replica} is UP") >= 1),
        $"HAProxy to take replica {replica} back",
        TimeSpan.FromSeconds(60));

    private static int CountOf(string text, string what)
    {
        var count = 0;
        for (var at = text.IndexOf(what, StringComparison.Ordinal); at >= 0; at = text.IndexOf(what, at + what.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private Task<long> WaitingOnLocksAsync(string database) =>
        ScalarAsync<long>("postgres", $"SELECT count(*) FROM pg_stat_activity WHERE datname = '{database}' AND wait_event_type = 'Lock'");

    private Task<long> ConnectionsAsync(string database) =>
        ScalarAsync<long>("postgres", $"SELECT count(*) FROM pg_stat_activity WHERE datname = '{database}' AND application_name LIKE 'Listings.Api%'");

    private async Task<T> ScalarAsync<T>(string database, string sql)
    {
        await using var connection = await server.Server.OpenAsync(database, CancellationToken.None);
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
