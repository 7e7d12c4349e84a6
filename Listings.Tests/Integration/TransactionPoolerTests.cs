using System.Text.Json;
using Listings.AppHost.Database;
using Listings.ServiceDefaults.ConnectionPool;
using Listings.Tests.Infrastructure;
using Npgsql;

namespace Listings.Tests.Integration;

/// <summary>
/// The API behind a real transaction pooler (PgBouncer, pool_mode=transaction, in front of the fixture's PostgreSQL),
/// configured as a user would: <c>ConnectionPool:Mode=transaction-pooler</c> for a self-hosted PgBouncer.
/// </summary>
[Collection(ListingsAppCollection.Name)]
public sealed class TransactionPoolerTests(ListingsAppFixture fixture)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task ApiBehindATransactionPoolerServesConcurrentReadsAndWritesWithinItsPool()
    {
        var serverConnectionString = (await fixture.App.GetConnectionStringAsync(ListingsDatabase.ResourceName))!;
        var password = new NpgsqlConnectionStringBuilder(serverConnectionString).Password!;
        await using var bouncer = await PgBouncer.StartAsync(serverConnectionString);
        var (api, client) = await ApiProcess.StartHealthyAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings__listingsdb"] = bouncer.ClientConnectionString(serverConnectionString),
            ["ConnectionPool__Mode"] = "transaction-pooler",
            // Migrations never run through a transaction pooler: they get the direct connection, as on Supabase.
            ["ConnectionStrings__listingsdb-migrations"] = serverConnectionString,
            ["ConnectionPool__ServerMaxConnections"] = "60",
            // This test is about the pooler, not about shedding load: let every request wait its turn.
            ["Admission__QueueLimit"] = "1000",
            ["Admission__QueueTimeoutMilliseconds"] = "60000",
            // Hundreds of requests at once from one address stand for many clients here.
            ["FairShare__Enabled"] = "false",
        });
        await using var _ = api;
        using var __ = client;

        // Enough concurrency that every pooled connection is reused across transactions many times over: with
        // prepared statements on, PgBouncer would hand a statement prepared on one server connection to another.
        // Every filter shape of the page read: behind this pooler each one carries SET LOCAL in front of it.
        string[] filters = ["", "&city=Lyon", "&minPrice=100&maxPrice=5000", "&city=Paris&minPrice=1"];
        var reads = Enumerable.Range(0, 200).Select(i => client.GetAsync($"/api/v1/listings?page={(i % 3) + 1}{filters[i % filters.Length]}"));
        var writes = Enumerable.Range(0, 40).Select(i => client.PostAsJsonAsync("/api/v1/listings", ListingBodies.Valid($"Through the pooler #{i}")));
        var responses = await Task.WhenAll(reads.Concat(writes));

        var failures = responses.Where(response => !response.IsSuccessStatusCode).ToList();
        Assert.True(failures.Count == 0, $"{failures.Count} failed, first: {(failures.Count > 0 ? await failures[0].Content.ReadAsStringAsync() : "")}\n{api.Text}");

        var created = await Task.WhenAll(responses.Skip(200).Select(response => response.Content.ReadFromJsonAsync<ListingJson>()));
        foreach (var listing in created)
        {
            Assert.Equal(listing, await client.GetFromJsonAsync<ListingJson>($"/api/v1/listings/{listing!.Id}"));
        }

        // The keyset walk (a cursor instead of a page) through the pooler as well.
        var first = await client.GetFromJsonAsync<JsonElement>("/api/v1/listings?pageSize=5");
        var next = await client.GetAsync($"/api/v1/listings?pageSize=5&cursor={first.GetProperty("nextCursor").GetString()}");
        Assert.True(next.IsSuccessStatusCode, await next.Content.ReadAsStringAsync());
        var secondIds = (await next.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray().Select(item => item.GetProperty("id").GetInt64());
        var firstIds = first.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("id").GetInt64());
        Assert.Equal(5, secondIds.Count());
        Assert.Empty(firstIds.Intersect(secondIds));

        // The API's clients at PgBouncer never exceed its planned pool (10 behind a transaction pooler).
        var clients = await bouncer.AdminAsync("SHOW CLIENTS", "postgres");
        var apiClients = clients.Count(row => row.Length > 2 && row[2] == ListingsDatabase.DatabaseName);
        Assert.InRange(apiClients, 1, 10);

        // The start-up line names the mode and the pool, never the password.
        Assert.Contains("Database connection: transaction-pooler to 127.0.0.1:", api.Text);
        Assert.Contains("Maximum Pool Size 10", api.Text);
        Assert.Contains("Max Auto Prepare 0", api.Text);
        Assert.DoesNotContain(password, api.Text);
    }

    [Fact]
    public async Task PreparedStatementsPromisedByAPgBouncerWithoutThemFallBackToNoneWithAWarningAndServe()
    {
        // Debian 12's PgBouncer is 1.18, without max_prepared_statements: the probe at start must fail and the pool must
        // prepare nothing, or the concurrent reads below would meet 'prepared statement "_p1" does not exist'.
        var serverConnectionString = (await fixture.App.GetConnectionStringAsync(ListingsDatabase.ResourceName))!;
        await using var bouncer = await PgBouncer.StartAsync(serverConnectionString);
        var (api, client) = await ApiProcess.StartHealthyAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings__listingsdb"] = bouncer.ClientConnectionString(serverConnectionString),
            ["ConnectionStrings__listingsdb-migrations"] = serverConnectionString,
            ["ConnectionPool__Mode"] = "transaction-pooler",
            ["ConnectionPool__PoolerPreparedStatements"] = "true",
            ["ConnectionPool__ServerMaxConnections"] = "60",
            ["Admission__QueueLimit"] = "1000",
            ["Admission__QueueTimeoutMilliseconds"] = "60000",
            // Hundreds of requests at once from one address stand for many clients here.
            ["FairShare__Enabled"] = "false",
        });
        await using var _ = api;
        using var __ = client;

        var responses = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => client.GetAsync($"/api/v1/listings?page={(i % 3) + 1}")));

        Assert.All(responses, response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));
        Assert.Contains("Prepared statements stay off (Max Auto Prepare=0)", api.Text);
        Assert.Contains("26000", api.Text);
        Assert.Contains("Max Auto Prepare 0", api.Text);
    }

    [Fact]
    public async Task TheProbeFindsPreparedStatementsKeptOnADirectConnectionAndLostBehindPgBouncer118()
    {
        var serverConnectionString = (await fixture.App.GetConnectionStringAsync(ListingsDatabase.ResourceName))!;
        await using var bouncer = await PgBouncer.StartAsync(serverConnectionString);

        var direct = await PreparedStatementProbe.RunAsync(serverConnectionString, CancellationToken.None);
        var pooled = await PreparedStatementProbe.RunAsync(bouncer.ClientConnectionString(serverConnectionString), CancellationToken.None);

        Assert.Null(direct);
        Assert.NotNull(pooled);
        Assert.StartsWith("26000: prepared statement", pooled);
    }

    [Fact]
    public async Task ApiAskingForAutoPrepareBehindATransactionPoolerRefusesToStart()
    {
        var serverConnectionString = (await fixture.App.GetConnectionStringAsync(ListingsDatabase.ResourceName))!;
        var password = new NpgsqlConnectionStringBuilder(serverConnectionString).Password!;

        await using var api = ApiProcess.Start(
            new Dictionary<string, string>
            {
                ["ConnectionStrings__listingsdb"] = serverConnectionString + ";Max Auto Prepare=20",
                ["ConnectionPool__Mode"] = "transaction-pooler",
            },
            FreePort.Next());

        var exitCode = await api.WaitForExitAsync(StartTimeout);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Max Auto Prepare=20 is unsafe behind a transaction pooler", api.Text);
        Assert.DoesNotContain(password, api.Text);
    }
}
