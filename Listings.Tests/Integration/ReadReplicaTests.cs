using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Listings.Tests.Infrastructure;
using Npgsql;

namespace Listings.Tests.Integration;

/// <summary>
/// Reads over a real streaming standby (<see cref="ReplicatedPostgres"/>: <c>pg_basebackup -R</c>, asynchronous
/// replication): public reads go to <c>ConnectionStrings:listingsdb-read</c>, writes to the primary; a read that sends a
/// write's <c>Listings-Consistency</c> token back sees the write even with the standby's replay paused
/// (<c>pg_wal_replay_pause()</c>), a read without it does not; a standby past <c>ReadReplicas:MaxLagSeconds</c> or stopped
/// leaves the rotation, and comes back.
/// </summary>
public sealed class ReadReplicaTests(ReplicatedPostgres servers) : IClassFixture<ReplicatedPostgres>
{
    private const string PageSql = "FROM listings AS l";
    private const int PostgresServerMaxConnections = Listings.Testing.PostgresServer.MaxConnections;

    [Fact]
    public async Task PublicReadsRunOnTheReplicaAndWritesOnThePrimary()
    {
        var (api, client, database) = await StartApiAsync(maxLagSeconds: 600);
        await using var _ = api;
        using var __ = client;

        await client.PostAsJsonAsync("/api/v1/listings", ListingBodies.Valid("Written on the primary"));
        var before = await ReadCountsAsync(client);
        for (var i = 0; i < 20; i++)
        {
            (await client.GetAsync("/api/v1/listings?page=1")).EnsureSuccessStatusCode();
        }

        // Every read is counted once, by the host that served it: the replica, or the primary with the reason.
        var after = await ReadCountsAsync(client);
        Assert.Equal(20, after.Replica - before.Replica + after.Primary - before.Primary);
        Assert.True(after.Replica > before.Replica, "the replica served none of the reads");

        // The page statement ran in a session of the API's on the standby, and in none on the primary.
        Assert.True(await PageReadSessionsAsync(servers.Standby, database) > 0, "no page read ran on the standby");
        Assert.Equal(0, await PageReadSessionsAsync(servers.Primary, database));

        var health = await HealthEntryAsync(client);
        Assert.Equal("read-replica", health[$"127.0.0.1:{servers.Standby.Port}"]!["role"]!.GetValue<string>());
        Assert.Contains("Database connection: direct to 127.0.0.1:", api.Text);
        Assert.Contains($"127.0.0.1:{servers.Standby.Port}/{database} as read-replica", api.Text);
        Assert.Contains($"127.0.0.1:{servers.Primary.Port}/{database} as primary", api.Text);
    }

    [Fact]
    public async Task DbInfoPrintsOnePlanPerHostWithItsRole()
    {
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__listingsdb"] = servers.Primary.ConnectionString("postgres"),
            ["ConnectionStrings__listingsdb-read"] = $"Host=127.0.0.1:{servers.Standby.Port},127.0.0.1:{servers.Standby.Port};Username=postgres;Password={servers.Standby.Password};Database=postgres",
        };

        await using var json = ApiProcess.Start(environment, FreePort.Next(), "db-info", "--json");
        Assert.Equal(0, await json.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var plan = JsonNode.Parse(json.Text[json.Text.IndexOf('{', StringComparison.Ordinal)..])!;
        await using var text = ApiProcess.Start(environment, FreePort.Next(), "db-info");
        Assert.Equal(0, await text.WaitForExitAsync(TimeSpan.FromSeconds(60)));

        Assert.Equal("primary", plan["role"]!.GetValue<string>());
        var readHosts = plan["readHosts"]!.AsArray();
        Assert.Equal(2, readHosts.Count);
        Assert.All(readHosts, read =>
        {
            Assert.Equal("read-replica", read!["role"]!.GetValue<string>());
            Assert.Equal("direct", read["mode"]!.GetValue<string>());
            Assert.Equal(servers.Standby.Port, read["port"]!.GetValue<int>());
            Assert.Equal(PostgresServerMaxConnections, read["server"]!["maxConnections"]!.GetValue<int>());
        });
        Assert.Contains("Read replica connection plan (from ConnectionStrings:listingsdb-read (host 2 of 2))", text.Text);
        Assert.DoesNotContain(servers.Standby.Password, json.Text + text.Text);
    }

    [Fact]
    public async Task AReadWithItsWritesTokenSeesTheWriteWhileReplayIsPausedAndAReadWithoutItDoesNot()
    {
        // The replica stays in the rotation however long the test takes: only the token decides.
        var (api, client, _) = await StartApiAsync(maxLagSeconds: 600);
        await using var _ = api;
        using var __ = client;

        await WhileReplayPausedAsync(async () =>
        {
            var created = await client.PostAsJsonAsync("/api/v1/listings", ListingBodies.Valid("Written while replay is paused"));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var token = Assert.Single(created.Headers.GetValues("Listings-Consistency"));
            var id = (await created.Content.ReadFromJsonAsync<ListingJson>())!.Id;

            // Without the token: the replica, which has not replayed the write.
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/listings/{id}")).StatusCode);
            Assert.DoesNotContain(id, await PageIdsAsync(client, token: null));

            // With it: a host that has replayed it (here only the primary).
            var before = await ReadCountsAsync(client);
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, $"/api/v1/listings/{id}", token)).StatusCode);
            Assert.Contains(id, await PageIdsAsync(client, token));
            Assert.Equal(2, (await ReadCountsAsync(client)).NotReplayed - before.NotReplayed);

            // A token that is not one is the client's error, named.
            var malformed = await GetAsync(client, "/api/v1/listings", "not a token");
            Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
            Assert.Contains("Listings-Consistency", await malformed.Content.ReadAsStringAsync());

            await servers.Standby.ResumeReplayAsync(CancellationToken.None);
            await servers.Primary.WaitForReplayAsync(servers.Standby, TimeoutAfter(30));
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/listings/{id}")).StatusCode);
        });
    }

    [Fact]
    public async Task AReadWithATokenWaitsForTheReplicaToReplayItRatherThanReadingThePrimary()
    {
        // A catch-up bound far above any replay time here: every token read is the replica's once it has replayed.
        var (api, client, _) = await StartApiAsync(maxLagSeconds: 600, extra: new() { ["ReadReplicas__CatchUpMilliseconds"] = "10000" });
        await using var _ = api;
        using var __ = client;

        var before = await ReadCountsAsync(client);
        for (var i = 0; i < 10; i++)
        {
            var created = await client.PostAsJsonAsync("/api/v1/listings", ListingBodies.Valid($"Read back at once #{i}"));
            var id = (await created.Content.ReadFromJsonAsync<ListingJson>())!.Id;
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, $"/api/v1/listings/{id}", Assert.Single(created.Headers.GetValues("Listings-Consistency")))).StatusCode);
        }

        var after = await ReadCountsAsync(client);
        Assert.Equal(10, after.Replica - before.Replica);
        Assert.Equal(before.Primary, after.Primary);
    }

    [Fact]
    public async Task AReplicaPausedPastMaxLagSecondsLeavesTheRotationAndRejoinsOnceCaughtUp()
    {
        var (api, client, _) = await StartApiAsync(maxLagSeconds: 1);
        await using var _ = api;
        using var __ = client;

        await WhileReplayPausedAsync(async () =>
        {
            var created = await client.PostAsJsonAsync("/api/v1/listings", ListingBodies.Valid("Written before the lag"));
            var id = (await created.Content.ReadFromJsonAsync<ListingJson>())!.Id;

            // The replica's replay stays behind what it received: once that is older than a second it leaves the
            // rotation, and a read without a token reaches the primary, which has the write.
            await Poll.UntilAsync(async () => await HostStatusAsync(client, servers.Standby.Port) == "lagging", "the paused replica to be reported lagging");
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/listings/{id}")).StatusCode);
            Assert.Contains(id, await PageIdsAsync(client, token: null));
        });

        await Poll.UntilAsync(async () => await ReplicaServesAsync(client), "the caught-up replica to rejoin the rotation");
    }

    [Fact]
    public async Task AReplicaStoppedUnder200ClientsCostsNoAnswerBut200Or503AndReadsReturnToItWhenItIsBack()
    {
        var (api, client, database) = await StartApiAsync(maxLagSeconds: 600, extra: new()
        {
            // 200 clients from one address: the fair share is not what this test is about.
            ["FairShare__Enabled"] = "false",
        });
        await using var _ = api;
        using var __ = client;

        var answers = new ConcurrentDictionary<string, int>();
        using var stop = new CancellationTokenSource();
        using var readers = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 200 }) { BaseAddress = client.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        var load = Enumerable.Range(0, 200).Select(i => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var answer = await readers.GetAsync(i % 2 == 0 ? "/api/v1/listings?page=1" : $"/api/v1/listings?page={1 + i % 5}&pageSize=10");
                var outcome = answer.StatusCode switch
                {
                    HttpStatusCode.OK => "200",
                    HttpStatusCode.ServiceUnavailable when answer.Headers.RetryAfter is not null => "503 with Retry-After",
                    var other => $"{(int)other}: {await answer.Content.ReadAsStringAsync()}",
                };
                answers.AddOrUpdate(outcome, 1, (_, count) => count + 1);
            }
        })).ToList();

        try
        {
            await Poll.UntilAsync(() => Task.FromResult(answers.Values.Sum() > 1000), "1,000 answers before the stop");
            await servers.Standby.StopAsync(CancellationToken.None);
            var atStop = answers.Values.Sum();
            await Poll.UntilAsync(() => Task.FromResult(answers.Values.Sum() > atStop + 1000), "1,000 answers with the replica stopped");
            await servers.Standby.StartAgainAsync(CancellationToken.None);
            await Poll.UntilAsync(async () => await ReplicaServesAsync(client), "the restarted replica to serve reads again", TimeSpan.FromSeconds(60));
            var atReturn = answers.Values.Sum();
            await Poll.UntilAsync(() => Task.FromResult(answers.Values.Sum() > atReturn + 1000), "1,000 answers with the replica back");
        }
        finally
        {
            stop.Cancel();
            await Task.WhenAll(load);
        }

        Assert.True(answers.Keys.All(outcome => outcome is "200" or "503 with Retry-After"), string.Join("\n", answers.Select(pair => $"{pair.Value} × {pair.Key}")));
        Assert.True(await PageReadSessionsAsync(servers.Standby, database) > 0, "no page read ran on the restarted standby");
        Assert.Contains("left the read rotation", api.Text);
    }

    [Fact]
    public async Task AReadHostWhoseConnectsStallIsLeftOutAndTheOthersServe()
    {
        // The same standby twice: once directly, once behind a proxy that never completes a connect.
        await using var stalled = Listings.Testing.ConnectStallProxy.Start("127.0.0.1", servers.Standby.Port);
        stalled.StallNewConnections(delay: null);
        var database = $"replica_{Guid.NewGuid():N}";
        var (api, client) = await ApiProcess.StartHealthyAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings__listingsdb"] = servers.Primary.ConnectionString(database),
            ["ConnectionStrings__listingsdb-read"] =
                $"Host=127.0.0.1:{servers.Standby.Port},127.0.0.1:{stalled.Port};Username=postgres;Password={servers.Standby.Password};Database={database}",
            ["ConnectionPool__ServerMaxConnections"] = "100",
            ["ReadReplicas__MaxLagSeconds"] = "600",
            ["DatabaseInitialization__SeedCount"] = "50",
        });
        await using var _ = api;
        using var __ = client;

        // Down from the start (never read), then down for its own reason once its first connect ran out of time.
        await Poll.UntilAsync(
            async () => await HostStatusAsync(client, servers.Standby.Port) == "serving"
                && (await HealthEntryAsync(client))[$"127.0.0.1:{stalled.Port}"]!["problem"]?.GetValue<string>() == "timeout",
            "the reachable host to serve and the stalled one to be down after a connect timeout");
        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => client.GetAsync("/api/v1/listings?page=1")));

        Assert.All(answers, answer => Assert.Equal(HttpStatusCode.OK, answer.StatusCode));
        Assert.True(await PageReadSessionsAsync(servers.Standby, database) > 0, "no page read ran on the reachable standby");
        await Poll.UntilAsync(
            () => Task.FromResult(api.Text.Contains($"Read replica 127.0.0.1:{stalled.Port} left the read rotation: timeout", StringComparison.Ordinal)),
            "the stalled host's leaving to be logged");
    }

    [Fact]
    public async Task AReadHostThatRefusesTheLoginIsAskedAgainOnlyAfterTheLoginBackoff()
    {
        // Counted at a proxy in front of the standby: every login the API tries there.
        await using var counted = Listings.Testing.ConnectStallProxy.Start("127.0.0.1", servers.Standby.Port);
        var (api, client) = await ApiProcess.StartHealthyAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings__listingsdb"] = servers.Primary.ConnectionString($"replica_{Guid.NewGuid():N}"),
            ["ConnectionStrings__listingsdb-read"] = $"Host=127.0.0.1;Port={counted.Port};Username=postgres;Password=wrong;Database=postgres",
            ["ConnectionPool__ServerMaxConnections"] = "100",
            ["DatabaseInitialization__SeedCount"] = "0",
        });
        await using var _ = api;
        using var __ = client;

        await Poll.UntilAsync(async () => (await HealthEntryAsync(client))[$"127.0.0.1:{counted.Port}"]!["problem"]?.GetValue<string>() == "wrong-password",
            "the read host to be reported down with a wrong password");
        var before = counted.Accepted;
        await Task.Delay(TimeSpan.FromSeconds(2));

        // ConnectionPool:LoginBackoffSeconds (5) between tries: at most the one try a pause ending meanwhile allows,
        // where a reading every ReadReplicas:PollMilliseconds (100) would have tried about 20 times.
        Assert.InRange(counted.Accepted - before, 0, 1);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/listings?page=1")).StatusCode);
        Assert.DoesNotContain("Password=wrong", api.Text);
    }

    [Fact]
    public async Task AnIdempotentReplayReadsThePrimaryWhileTheReplicaHasNotReplayedTheFirstWrite()
    {
        var (api, client, _) = await StartApiAsync(maxLagSeconds: 600);
        await using var _ = api;
        using var __ = client;

        await WhileReplayPausedAsync(async () =>
        {
            HttpRequestMessage Create() => new(HttpMethod.Post, "/api/v1/listings")
            {
                Content = JsonContent.Create(ListingBodies.Valid("Sent twice")),
                Headers = { { "Idempotency-Key", "replay-on-the-primary" } },
            };

            var first = await client.SendAsync(Create());
            var replay = await client.SendAsync(Create());

            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
            Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
            Assert.Equal("true", Assert.Single(replay.Headers.GetValues("Idempotent-Replayed")));
            Assert.Equal(await first.Content.ReadAsStringAsync(), await replay.Content.ReadAsStringAsync());
            Assert.Single(replay.Headers.GetValues("Listings-Consistency"));
        });
    }

    private async Task<(ProcessOutput Api, HttpClient Client, string Database)> StartApiAsync(double maxLagSeconds, Dictionary<string, string>? extra = null)
    {
        var database = $"replica_{Guid.NewGuid():N}";
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__listingsdb"] = servers.Primary.ConnectionString(database),
            ["ConnectionStrings__listingsdb-read"] = servers.Standby.ConnectionString(database),
            ["ConnectionPool__ServerMaxConnections"] = "100",
            ["ReadReplicas__MaxLagSeconds"] = maxLagSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["DatabaseInitialization__SeedCount"] = "50",
            // Every read asks a database: these tests are about which one.
            ["Cache__Enabled"] = "false",
        };
        foreach (var (key, value) in extra ?? [])
        {
            environment[key] = value;
        }

        // Healthy, and the replica read and in the rotation: every test starts from a replica that serves.
        var (api, client) = await ApiProcess.StartHealthyAsync(environment);
        try
        {
            await Poll.UntilAsync(async () => await ReplicaServesAsync(client), "the replica to serve reads");
        }
        catch
        {
            client.Dispose();
            await api.DisposeAsync();
            throw;
        }

        return (api, client, database);
    }

    private async Task WhileReplayPausedAsync(Func<Task> test)
    {
        await servers.Standby.PauseReplayAsync(CancellationToken.None);
        try
        {
            await test();
        }
        finally
        {
            await servers.Standby.ResumeReplayAsync(CancellationToken.None);
        }
    }

    private static async Task<bool> ReplicaServesAsync(HttpClient client) =>
        (await HealthEntryAsync(client)).AsObject().All(host => host.Value!["status"]!.GetValue<string>() == "serving");

    // The reads the replicas served and those the primary served instead, as /health counts them.
    private static async Task<(long Replica, long Primary, long NotReplayed)> ReadCountsAsync(HttpClient client)
    {
        using var answer = await client.GetAsync("/health");
        var data = JsonNode.Parse(await answer.Content.ReadAsStringAsync())!["entries"]!["read-replicas"]!["data"]!;
        var primary = data["primaryReads"]!.AsObject();
        return (data["hosts"]!.AsObject().Sum(host => host.Value!["reads"]!.GetValue<long>()),
            primary.Sum(reason => reason.Value!.GetValue<long>()), primary["not-replayed"]!.GetValue<long>());
    }

    private static async Task<string> HostStatusAsync(HttpClient client, int port) =>
        (await HealthEntryAsync(client))[$"127.0.0.1:{port}"]!["status"]!.GetValue<string>();

    private static async Task<JsonNode> HealthEntryAsync(HttpClient client)
    {
        using var answer = await client.GetAsync("/health");
        var health = JsonNode.Parse(await answer.Content.ReadAsStringAsync())!;
        return health["entries"]!["read-replicas"]!["data"]!["hosts"]!;
    }

    private static async Task<List<long>> PageIdsAsync(HttpClient client, string? token)
    {
        var answer = await GetAsync(client, "/api/v1/listings?page=1&pageSize=100", token);
        answer.EnsureSuccessStatusCode();
        var page = JsonNode.Parse(await answer.Content.ReadAsStringAsync())!;
        return [.. page["items"]!.AsArray().Select(item => item!["id"]!.GetValue<long>())];
    }

    private static Task<HttpResponseMessage> GetAsync(HttpClient client, string path, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("Listings-Consistency", token);
        }

        return client.SendAsync(request);
    }

    // Sessions of the API (not the lag monitor's) whose last statement was a page read of this test's database.
    private static async Task<long> PageReadSessionsAsync(Listings.Testing.PostgresServer server, string database)
    {
        await using var connection = await server.OpenAsync("postgres", CancellationToken.None);
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'Listings.Api' AND query LIKE '%' || $2 || '%'", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = database });
        command.Parameters.Add(new NpgsqlParameter { Value = PageSql });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static CancellationToken TimeoutAfter(int seconds) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;
}
