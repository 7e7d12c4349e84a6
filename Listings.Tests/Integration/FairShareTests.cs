using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Listings.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Listings.Tests.Integration;

/// <summary>
/// Fair share per client (<c>FairShare</c> settings): one greedy client with 500 requests at once beside 50 clients with
/// one each, each of those from a loopback address of its own (127.0.0.2 onward). The greedy client's requests are
/// updates of one listing the test holds locked, so each one it gets in holds a database connection until the test lets
/// go, whatever the machine's speed: without fair share they take the whole pool and the others wait out the admission
/// queue's bound.
/// </summary>
public sealed class FairShareTests(ThrowawayPostgres server, ITestOutputHelper output) : IClassFixture<ThrowawayPostgres>
{
    private const int PermitLimit = 8;
    private const int PoolSize = 20;
    private const int Greedy = 500;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AGreedyClientGets429WithRetryAfterWhileFiftyOthersAreServed(bool fairShare)
    {
        var database = $"fair_{Guid.NewGuid():N}";
        var (api, client) = await ApiProcess.StartHealthyAsync(new Dictionary<string, string>
        {
            // The greedy updates wait for the test's lock, not for a timeout: neither the server's nor Npgsql's.
            ["ConnectionStrings__listingsdb"] = server.Server.ConnectionString(database, "Command Timeout=600"),
            ["ConnectionPool__ServerMaxConnections"] = "100",
            ["ConnectionPool__MaxPoolSize"] = $"{PoolSize}",
            ["ConnectionPool__LockTimeoutMs"] = "600000",
            ["ConnectionPool__StatementTimeoutMs"] = "600000",
            // Long enough for 50 reads on a loaded machine: with fair share they are served well within it; without it
            // they wait it out behind the greedy client's connections, whatever the machine's speed.
            ["Admission__QueueTimeoutMilliseconds"] = "10000",
            ["DatabaseInitialization__SeedCount"] = "100",
            ["FairShare__Enabled"] = fairShare ? "true" : "false",
            // The 50 identical reads must each need a connection: no cached page answers them.
            ["Cache__Enabled"] = "false",
            ["FairShare__PermitLimit"] = $"{PermitLimit}",
        });
        await using var _ = api;
        using var __ = client;

        var greedyUser = Guid.NewGuid();
        using var greedy = new HttpClient { BaseAddress = client.BaseAddress, Timeout = TimeSpan.FromMinutes(3) }.SignIn(greedyUser);
        var created = await greedy.PostAsJsonAsync("/api/v1/listings", ListingBodies.Valid("Greedy's listing"));
        var id = (await created.Content.ReadFromJsonAsync<ListingJson>())!.Id;
        await using var rowLock = await RowLock.TakeAsync(server.Server.ConnectionString(database), id);

        // 500 updates at once: those let in wait for the lock, holding a connection each; the rest are over the share.
        var greedyAnswers = Enumerable.Range(0, Greedy).Select(i => greedy.PutAsJsonAsync($"/api/v1/listings/{id}", ListingBodies.Valid($"Greedy #{i}"))).ToList();
        if (fairShare)
        {
            await Poll.UntilAsync(() => Task.FromResult(greedyAnswers.Count(answer => answer.IsCompleted) >= Greedy - PermitLimit), "the greedy client's requests over its share to be answered", TimeSpan.FromSeconds(60));
        }
        else
        {
            await Poll.UntilAsync(async () => await WaitingOnLocksAsync(database) >= PoolSize, "the greedy client's updates to hold the whole pool", TimeSpan.FromSeconds(120));
        }

        // 50 clients, one read each, all at once, from addresses of their own.
        var others = await Task.WhenAll(Enumerable.Range(2, 50).Select(async host =>
        {
            using var other = FromAddress(IPAddress.Parse($"127.0.0.{host}"), client.BaseAddress!);
            var started = Stopwatch.GetTimestamp();
            var answer = await other.GetAsync("/api/v1/listings?pageSize=20");
            return (answer.StatusCode, Elapsed: Stopwatch.GetElapsedTime(started));
        }));

        await rowLock.ReleaseAsync();
        var greedyStatuses = await Task.WhenAll(greedyAnswers);
        var rejected = greedyStatuses.Where(answer => answer.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        var sorted = others.Select(timing => timing.Elapsed.TotalMilliseconds).Order().ToList();
        // A figure for the report, not a pass/fail line.
        output.WriteLine($"fair share {(fairShare ? "on" : "off")}: 50 others {string.Join(", ", others.GroupBy(o => o.StatusCode).Select(g => $"{g.Count()} x {(int)g.Key}"))}, p50 {sorted[24]:F0} ms, p99 {sorted[^1]:F0} ms; greedy {string.Join(", ", greedyStatuses.GroupBy(a => a.StatusCode).Select(g => $"{g.Count()} x {(int)g.Key}"))}");

        if (!fairShare)
        {
            // The case fair share exists for: one client's connections starve everyone else.
            Assert.All(others, other => Assert.Equal(HttpStatusCode.ServiceUnavailable, other.StatusCode));
            Assert.Empty(rejected);
            return;
        }

        Assert.All(others, other => Assert.Equal(HttpStatusCode.OK, other.StatusCode));
        Assert.Equal(Greedy - PermitLimit, rejected.Count);
        Assert.Equal(PermitLimit, greedyStatuses.Count(answer => answer.StatusCode == HttpStatusCode.OK));
        foreach (var answer in rejected)
        {
            Assert.Equal("1", answer.Headers.GetValues("Retry-After").Single());
            Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
            Assert.Equal(429, JsonNode.Parse(await answer.Content.ReadAsStringAsync())!["status"]!.GetValue<int>());
        }
    }

    [Fact]
    public async Task AForwardedAddressNamesTheClientOnlyWhenATrustedProxySendsIt()
    {
        var database = $"fair_{Guid.NewGuid():N}";
        var (api, client) = await ApiProcess.StartHealthyAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings__listingsdb"] = server.Server.ConnectionString(database, "Command Timeout=600"),
            ["ConnectionPool__ServerMaxConnections"] = "100",
            ["ConnectionPool__LockTimeoutMs"] = "600000",
            ["ConnectionPool__StatementTimeoutMs"] = "600000",
            ["Admission__QueueTimeoutMilliseconds"] = "60000",
            ["FairShare__PermitLimit"] = "1",
            ["FairShare__TrustedProxies__0"] = "127.0.0.3",
        });
        await using var _ = api;
        using var __ = client;

        // Reads wait behind the test's table lock: each one holds its client's single permit until the lock goes.
        await using var locker = await server.Server.OpenAsync(database, CancellationToken.None);
        await using var transaction = await locker.BeginTransactionAsync();
        await using (var lockTable = new Npgsql.NpgsqlCommand("LOCK TABLE listings IN ACCESS EXCLUSIVE MODE", locker, transaction))
        {
            await lockTable.ExecuteNonQueryAsync();
        }

        using var untrusted = FromAddress(IPAddress.Parse("127.0.0.2"), client.BaseAddress!);
        using var proxy = FromAddress(IPAddress.Parse("127.0.0.3"), client.BaseAddress!);
        // A city per read: reads of the same filters would share one count, and wait for it in the API instead.
        var reads = 0;
        Task<HttpResponseMessage> Read(HttpClient from, string forwardedFor)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/listings?city=City{++reads}");
            request.Headers.Add("X-Forwarded-For", forwardedFor);
            return from.SendAsync(request);
        }

        var held = new List<Task<HttpResponseMessage>>();
        async Task HoldAsync(Task<HttpResponseMessage> read)
        {
            held.Add(read);
            await Poll.UntilAsync(async () => await WaitingOnLocksAsync(database) >= held.Count, "the read to wait for the table lock", TimeSpan.FromSeconds(60));
        }

        // From an address that is not a trusted proxy, the header is ignored: both reads are one client's.
        await HoldAsync(Read(untrusted, "10.0.0.1"));
        Assert.Equal(HttpStatusCode.TooManyRequests, (await Read(untrusted, "10.0.0.2")).StatusCode);

        // From the trusted proxy, the header names the client: two clients behind it, one permit each.
        await HoldAsync(Read(proxy, "10.0.0.1"));
        await HoldAsync(Read(proxy, "10.0.0.2"));
        Assert.Equal(HttpStatusCode.TooManyRequests, (await Read(proxy, "10.0.0.1")).StatusCode);

        await transaction.RollbackAsync();
        Assert.All(await Task.WhenAll(held), answer => Assert.Equal(HttpStatusCode.OK, answer.StatusCode));
    }

    // Server connections of the database waiting for a lock: requests the test holds.
    private async Task<long> WaitingOnLocksAsync(string database)
    {
        await using var connection = await server.Server.OpenAsync("postgres", CancellationToken.None);
        await using var command = new Npgsql.NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'", connection);
        command.Parameters.AddWithValue(database);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    // A client whose connections come from a loopback address of its own (Linux routes all of 127.0.0.0/8 to lo).
    private static HttpClient FromAddress(IPAddress address, Uri baseAddress) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(address, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(2) };
}
