using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Listings.Tests.Infrastructure;
using Npgsql;

namespace Listings.Tests.Integration;

/// <summary>
/// The public reads' cache on a real PostgreSQL with two API processes on one database: a current <c>If-None-Match</c>
/// is answered 304 from the cache, a write evicts what it changed on the replica that took it before it answers and on
/// the other when it hears the write's notification, a rolled-back write evicts nothing, a listener whose connection is
/// killed evicts everything, one whose connection hangs serves nothing older than <c>Cache:MaxStaleSeconds</c>, and reads
/// waiting for a fill whose client left are answered all the same.
/// </summary>
public sealed class CachedReadsTests(StatementCountingPostgres server) : IClassFixture<StatementCountingPostgres>
{
    private const string Page = "/api/v1/listings?page=1&pageSize=5";

    [Fact]
    public async Task ACurrentIfNoneMatchIs304AndAWriteOnTheSameReplicaIsSeenAtOnceWithANewTag()
    {
        var (_, api, writer) = await StartAsync();
        await using var __ = api;
        using var ___ = writer;
        using var reader = Anonymous(writer);

        var first = await reader.GetAsync(Page);
        var tag = first.Headers.ETag!;
        Assert.False(tag.IsWeak);
        Assert.True(first.Headers.CacheControl!.NoCache);
        Assert.Equal(HttpStatusCode.NotModified, (await GetIfNoneMatchAsync(reader, Page, tag)).StatusCode);

        var created = await writer.PostAsJsonAsync("/api/v1/listings", ListingBodies.Valid("Newest, so on page 1"));
        var id = (await created.Content.ReadFromJsonAsync<ListingJson>())!.Id;

        var after = await GetIfNoneMatchAsync(reader, Page, tag);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.NotEqual(tag, after.Headers.ETag);
        Assert.Contains(id, await IdsAsync(after));
    }

    [Fact]
    public async Task AWriteOnOneReplicaEvictsThePageOnTheOtherAndARolledBackOneEvictsNothing()
    {
        var (database, one, writer) = await StartAsync();
        await using var _ = one;
        using var __ = writer;
        var (_, other, otherClient) = await StartAsync(database);
        await using var ___ = other;
        using var reader = Anonymous(otherClient);
        otherClient.Dispose();

        var cached = await reader.GetAsync(Page);
        var tag = cached.Headers.ETag!;
        Assert.Equal(HttpStatusCode.NotModified, (await GetIfNoneMatchAsync(reader, Page, tag)).StatusCode);

        // A notification in a transaction that rolls back is never delivered: the other replica's entry stays.
        await using (var connection = new NpgsqlConnection(server.Server.ConnectionString(database)))
        {
            await connection.OpenAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await using var notify = new NpgsqlCommand(
                "SELECT pg_notify('listings_cache', '{\"Source\":\"test\",\"Ids\":[1],\"At\":\"2026-01-01T00:00:00Z\"}')", connection, transaction);
            await notify.ExecuteNonQueryAsync();
            await transaction.RollbackAsync();
        }

        Assert.Equal(HttpStatusCode.NotModified, (await GetIfNoneMatchAsync(reader, Page, tag)).StatusCode);

        var created = await writer.PostAsJsonAsync("/api/v1/listings", ListingBodies.Valid("Written on the first replica"));
        var id = (await created.Content.ReadFromJsonAsync<ListingJson>())!.Id;
        await Poll.UntilAsync(async () => (await IdsAsync(await reader.GetAsync(Page))).Contains(id), "the other replica to show the write");
    }

    [Fact]
    public async Task AnUpdateEvictsOnlyThePagesShowingItOnBothReplicasAndACreateEvictsEveryPage()
    {
        var (database, one, writer) = await StartAsync();
        await using var _ = one;
        using var __ = writer;
        var (_, other, otherClient) = await StartAsync(database);
        await using var ___ = other;
        using var here = Anonymous(writer);
        using var there = Anonymous(otherClient);
        otherClient.Dispose();

        // Six listings of the writer's in Lyon, newest first: the first one written is alone on page 2 of five, and not on
        // the first page of Lyon's.
        var ids = new List<long>();
        for (var i = 0; i < 6; i++)
        {
            ids.Add((await (await writer.PostAsJsonAsync("/api/v1/listings", ListingBodies.Valid($"Paged #{i}"))).Content.ReadFromJsonAsync<ListingJson>())!.Id);
        }

        const string first = "/api/v1/listings?page=1&pageSize=5", second = "/api/v1/listings?page=2&pageSize=5", lyon = "/api/v1/listings?city=Lyon&pageSize=5";
        var tags = new Dictionary<(HttpClient, string), EntityTagHeaderValue>();
        foreach (var reader in new[] { here, there })
        {
            foreach (var path in new[] { first, second, lyon })
            {
                tags[(reader, path)] = (await reader.GetAsync(path)).Headers.ETag!;
            }
        }

        // A new title: only the page showing it changes, here at once, there once it hears the write.
        Assert.Equal(HttpStatusCode.OK, (await writer.PutAsJsonAsync($"/api/v1/listings/{ids[0]}", ListingBodies.Valid("Renamed"))).StatusCode);
        Assert.Contains((ids[0], "Renamed"), await ItemsAsync(await GetIfNoneMatchAsync(here, second, tags[(here, second)])));
        await Poll.UntilAsync(async () => (await ItemsAsync(await there.GetAsync(second))).Contains((ids[0], "Renamed")), "the other replica to show the new title");
        foreach (var reader in new[] { here, there })
        {
            Assert.Equal(HttpStatusCode.NotModified, (await GetIfNoneMatchAsync(reader, first, tags[(reader, first)])).StatusCode);
            Assert.Equal(HttpStatusCode.NotModified, (await GetIfNoneMatchAsync(reader, lyon, tags[(reader, lyon)])).StatusCode);
        }

        // A new city: every filtered page may change (Lyon's count does), the unfiltered ones not.
        var moved = new { title = "Renamed", description = "Moved.", city = "Nantes", price = 1250.50m, currency = "EUR", bedrooms = 2, bathrooms = 1, surfaceSquareMeters = 54.5m };
        Assert.Equal(HttpStatusCode.OK, (await writer.PutAsJsonAsync($"/api/v1/listings/{ids[0]}", moved)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetIfNoneMatchAsync(here, lyon, tags[(here, lyon)])).StatusCode);
        Assert.Equal(HttpStatusCode.NotModified, (await GetIfNoneMatchAsync(here, first, tags[(here, first)])).StatusCode);
        await Poll.UntilAsync(async () => (await GetIfNoneMatchAsync(there, lyon, tags[(there, lyon)])).StatusCode == HttpStatusCode.OK, "the other replica to evict the filtered page");
        Assert.Equal(HttpStatusCode.NotModified, (await GetIfNoneMatchAsync(there, first, tags[(there, first)])).StatusCode);

        // A new listing shifts every page.
        var created = (await (await writer.PostAsJsonAsync("/api/v1/listings", ListingBodies.Valid("Newest"))).Content.ReadFromJsonAsync<ListingJson>())!.Id;
        Assert.Contains(created, await IdsAsync(await GetIfNoneMatchAsync(here, first, tags[(here, first)])));
        await Poll.UntilAsync(async () => (await IdsAsync(await there.GetAsync(first))).Contains(created), "the other replica to show the new listing");
    }

    [Fact]
    public async Task SignedInReadsTokenReadsPastTheEntryAndACacheTurnedOffAllAskTheDatabase()
    {
        var (database, api, client) = await StartAsync();
        await using var _ = api;
        using var reader = Anonymous(client);
        await reader.GetAsync(Page);
        await server.ResetAsync(database);

        // The entry serves anonymous reads; a signed-in one, and one whose token is past the entry, read afresh.
        await reader.GetAsync(Page);
        Assert.Equal(0, await server.CallsAsync(database, "ORDER BY l.created_at DESC"));
        await client.GetAsync(Page);
        Assert.Equal(1, await server.CallsAsync(database, "ORDER BY l.created_at DESC"));
        var created = await client.PostAsJsonAsync("/api/v1/listings", ListingBodies.Valid("Read back with its token"));
        var token = Assert.Single(created.Headers.GetValues("Listings-Consistency"));
        var withToken = new HttpRequestMessage(HttpMethod.Get, Page) { Headers = { { "Listings-Consistency", token } } };
        Assert.Contains((await created.Content.ReadFromJsonAsync<ListingJson>())!.Id, await IdsAsync(await reader.SendAsync(withToken)));
        client.Dispose();

        var (_, off, offClient) = await StartAsync(database, cacheEnabled: false);
        await using var __ = off;
        using var offReader = Anonymous(offClient);
        offClient.Dispose();
        await server.ResetAsync(database);
        for (var i = 0; i < 3; i++)
        {
            Assert.Null((await offReader.GetAsync(Page)).Headers.Age);
        }

        Assert.Equal(3, await server.CallsAsync(database, "ORDER BY l.created_at DESC"));
    }

    [Fact]
    public async Task FiftyConcurrentIdenticalReadsOnAColdCacheRunOnePageStatement()
    {
        var (database, api, client) = await StartAsync();
        await using var _ = api;
        using var reader = Anonymous(client);
        client.Dispose();
        await server.ResetAsync(database);

        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => reader.GetAsync("/api/v1/listings?page=2&pageSize=7")));

        Assert.All(answers, answer => Assert.Equal(HttpStatusCode.OK, answer.StatusCode));
        Assert.Single(answers.Select(answer => answer.Headers.ETag!.Tag).Distinct());
        Assert.Equal(1, await server.CallsAsync(database, "ORDER BY l.created_at DESC"));
    }

    [Fact]
    public async Task KillingTheListenersConnectionEvictsEverything()
    {
        var (database, api, client) = await StartAsync();
        await using var _ = api;
        using var reader = Anonymous(client);
        client.Dispose();

        var tag = (await reader.GetAsync(Page)).Headers.ETag!;
        Assert.Equal(HttpStatusCode.NotModified, (await GetIfNoneMatchAsync(reader, Page, tag)).StatusCode);

        await using (var connection = new NpgsqlConnection(server.Server.ConnectionString(database)))
        {
            await connection.OpenAsync();
            await using var kill = new NpgsqlCommand(
                "SELECT count(pg_terminate_backend(pid))::int FROM pg_stat_activity WHERE datname = $1 AND (query LIKE 'LISTEN %' OR query LIKE '%cache listener%') AND pid <> pg_backend_pid()", connection);
            kill.Parameters.Add(new NpgsqlParameter { Value = database });
            Assert.True((int)(await kill.ExecuteScalarAsync())! >= 1);
        }

        // The entry is gone, so the same tag is answered by a fresh read: a 200 (with the same bytes, so the same tag).
        await Poll.UntilAsync(async () => (await GetIfNoneMatchAsync(reader, Page, tag)).StatusCode == HttpStatusCode.OK, "the entry to be evicted");
        await Poll.UntilAsync(() => Task.FromResult(api.Text.Contains("The cache listens for other replicas' writes.", StringComparison.Ordinal)
            && api.Text.Contains("The cache's listener lost its connection", StringComparison.Ordinal)), "the listener to reconnect");
    }

    [Fact]
    public async Task AListenerWhoseConnectionHangsNeverServesAPageOlderThanMaxStaleSeconds()
    {
        var (database, api, client) = await StartAsync();
        await using var _ = api;
        using var reader = Anonymous(client);
        client.Dispose();
        var first = (await ItemsAsync(await reader.GetAsync(Page)))[0];
        Assert.Equal(HttpStatusCode.NotModified, (await GetIfNoneMatchAsync(reader, Page, (await reader.GetAsync(Page)).Headers.ETag!)).StatusCode);

        // The listener's server process stops (as a connection that hangs: no error, no answer), and a write the API
        // never sees changes the cached page: nothing tells this replica, but its listener stops confirming.
        var listener = await ListenerPidAsync(database);
        Signal(listener, "STOP");
        try
        {
            var title = $"Changed behind the API {Guid.NewGuid():N}";
            await using (var connection = new NpgsqlConnection(server.Server.ConnectionString(database)))
            {
                await connection.OpenAsync();
                await using var update = new NpgsqlCommand("UPDATE listings SET title = $1 WHERE id = $2", connection);
                update.Parameters.Add(new NpgsqlParameter { Value = title });
                update.Parameters.Add(new NpgsqlParameter { Value = first.Id });
                Assert.Equal(1, await update.ExecuteNonQueryAsync());
            }

            // Every read that starts Cache:MaxStaleSeconds (1) after the write's commit shows it; earlier ones may not.
            var committed = Stopwatch.StartNew();
            var late = 0;
            while (committed.Elapsed < TimeSpan.FromSeconds(3))
            {
                var started = committed.Elapsed;
                var shown = (await ItemsAsync(await reader.GetAsync(Page))).Single(item => item.Id == first.Id).Title;
                if (started >= TimeSpan.FromSeconds(1))
                {
                    Assert.True(shown == title, $"a read {started.TotalMilliseconds:0} ms after the write showed the page before it");
                    late++;
                }
            }

            Assert.True(late > 0);
        }
        finally
        {
            Signal(listener, "CONT");
        }
    }

    [Fact]
    public async Task ReadsWaitingForAFillWhoseClientLeftAreAnswered200()
    {
        // The page statement waits behind a lock for seconds: longer than the default 2 s lock timeout.
        var (database, api, client) = await StartAsync(settings: new() { ["ConnectionPool__LockTimeoutMs"] = "30000" });
        await using var _ = api;
        using var reader = Anonymous(client);
        client.Dispose();
        const string path = "/api/v1/listings?page=3&pageSize=4";

        // The page statement waits behind a lock; the first request (the fill) is cancelled by its client meanwhile.
        await using var locker = new NpgsqlConnection(server.Server.ConnectionString(database));
        await locker.OpenAsync();
        var hold = await locker.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE listings IN ACCESS EXCLUSIVE MODE", locker, hold))
        {
            await lockTable.ExecuteNonQueryAsync();
        }

        using var leaving = new CancellationTokenSource();
        var leader = reader.GetAsync(path, leaving.Token);
        await Poll.UntilAsync(async () => await WaitingOnLockAsync(database) == 1, "the fill to wait for the lock", TimeSpan.FromSeconds(10));
        var waiters = Enumerable.Range(0, 4).Select(_ => reader.GetAsync(path)).ToList();
        await Task.Delay(500);
        Assert.Equal(1, await WaitingOnLockAsync(database));
        await leaving.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => leader);
        await Task.Delay(1000);
        await hold.RollbackAsync();

        var answers = await Task.WhenAll(waiters);
        Assert.All(answers, answer => Assert.Equal(HttpStatusCode.OK, answer.StatusCode));
        Assert.All(answers, answer => Assert.NotNull(answer.Content.Headers.ContentLength));
        Assert.Equal(4, (await Task.WhenAll(answers.Select(ItemsAsync))).Select(items => items.Count).Distinct().Single());
    }

    private async Task<(string Database, ProcessOutput Api, HttpClient Client)> StartAsync(
        string? database = null, bool cacheEnabled = true, Dictionary<string, string>? settings = null)
    {
        database ??= $"cache_{Guid.NewGuid():N}";
        var environment = new Dictionary<string, string>(settings ?? [])
        {
            ["ConnectionStrings__listingsdb"] = server.Server.ConnectionString(database),
            ["ConnectionPool__ServerMaxConnections"] = "100",
            ["DatabaseInitialization__SeedCount"] = "20",
            ["Cache__Enabled"] = cacheEnabled ? "true" : "false",
        };
        var (api, client) = await ApiProcess.StartHealthyAsync(environment);

        // The listener evicts everything once it listens: the test's first reads come after that.
        if (cacheEnabled)
        {
            await Poll.UntilAsync(() => Task.FromResult(api.Text.Contains("The cache listens for other replicas' writes.", StringComparison.Ordinal)), "the cache's listener to listen");
        }

        return (database, api, client);
    }

    // Signed-in requests skip the cache: reads go without the token.
    private static HttpClient Anonymous(HttpClient client) => new() { BaseAddress = client.BaseAddress, Timeout = TimeSpan.FromMinutes(1) };

    private static Task<HttpResponseMessage> GetIfNoneMatchAsync(HttpClient client, string path, EntityTagHeaderValue tag)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.IfNoneMatch.Add(tag);
        return client.SendAsync(request);
    }

    private async Task<int> ListenerPidAsync(string database)
    {
        await using var connection = new NpgsqlConnection(server.Server.ConnectionString(database));
        await connection.OpenAsync();
        await using var find = new NpgsqlCommand(
            "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND query LIKE '%cache listener%' AND pid <> pg_backend_pid()", connection);
        find.Parameters.Add(new NpgsqlParameter { Value = database });
        return (int)(await find.ExecuteScalarAsync())!;
    }

    private async Task<long> WaitingOnLockAsync(string database)
    {
        await using var connection = new NpgsqlConnection(server.Server.ConnectionString(database));
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'", connection);
        count.Parameters.Add(new NpgsqlParameter { Value = database });
        return (long)(await count.ExecuteScalarAsync())!;
    }

    private static void Signal(int pid, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    private static async Task<List<(long Id, string Title)>> ItemsAsync(HttpResponseMessage answer) =>
        [.. JsonNode.Parse(await answer.Content.ReadAsStringAsync())!["items"]!.AsArray().Select(item => (item!["id"]!.GetValue<long>(), item["title"]!.GetValue<string>()))];

    private static async Task<List<long>> IdsAsync(HttpResponseMessage answer) =>
        [.. JsonNode.Parse(await answer.Content.ReadAsStringAsync())!["items"]!.AsArray().Select(item => item!["id"]!.GetValue<long>())];
}
