using System.Diagnostics;
using System.Text.Json.Nodes;
using Listings.Testing;
using Listings.Tests.Infrastructure;

namespace Listings.Tests.Integration;

/// <summary>
/// A pooler whose new connections stall (Supavisor's cold start), played by <see cref="ConnectStallProxy"/> between the API
/// and a real PostgreSQL: the warm connections keep serving, and a request that needs a new connection is answered 503
/// with <c>Retry-After</c> once <c>ConnectionPool:ConnectTimeoutSeconds</c> is spent, never 500 and never after the
/// pool's minute-long <c>Timeout</c>.
/// </summary>
public sealed class ConnectStallTests(ThrowawayPostgres server) : IClassFixture<ThrowawayPostgres>
{
    private const int ConnectTimeoutSeconds = 2;

    // The connect's bound with room for a slow machine; a hang would last the pool's 60 s Timeout.
    private static readonly TimeSpan AnswerBound = TimeSpan.FromSeconds(ConnectTimeoutSeconds + 8);

    [Fact]
    public async Task WarmConnectionsServeThroughAStallAndRequestsNeedingANewOneGet503WithinTheConnectBound()
    {
        await using var proxy = ConnectStallProxy.Start("127.0.0.1", server.Port);
        var (api, client) = await ApiProcess.StartHealthyAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings__listingsdb"] = proxy.Redirect(server.ConnectionString()),
            // Migrations never run through a transaction pooler: they take the direct way around the proxy.
            ["ConnectionStrings__listingsdb-migrations"] = server.ConnectionString(),
            ["ConnectionPool__Mode"] = "transaction-pooler",
            ["ConnectionPool__ServerMaxConnections"] = "100",
            ["ConnectionPool__ConnectTimeoutSeconds"] = $"{ConnectTimeoutSeconds}",
        });
        await using var _ = api;
        using var __ = client;

        // Healthy means warm: the transaction pooler's minimum of 2 was open before /health said so.
        Assert.Contains("Minimum Pool Size 2", api.Text);
        Assert.True(await ApiBackendsAsync() >= 2, $"The pool was not warm when healthy:\n{api.Text}");

        proxy.StallNewConnections(delay: null);
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/listings?page=1")).StatusCode);
        }

        Assert.Equal(0, proxy.Stalled);

        // Every connection the API holds ends: from now on each request needs a new one, and every new one stalls.
        await TerminateApiBackendsAsync();
        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => TimedGetAsync(client, "/api/v1/listings?page=1")));

        Assert.True(proxy.Stalled >= 1, "No connection reached the stall.");
        foreach (var (response, took) in answers)
        {
            Assert.True(took < AnswerBound, $"An answer took {took}, over {AnswerBound}:\n{api.Text}");
            Assert.NotEqual(HttpStatusCode.InternalServerError, response.StatusCode);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                await HttpAssertions.AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable);
                Assert.NotNull(response.Headers.RetryAfter);
            }
        }

        Assert.Contains(answers, answer => answer.Response.StatusCode == HttpStatusCode.ServiceUnavailable);
        var (health, healthTook) = await TimedGetAsync(client, "/health");
        Assert.True(healthTook < AnswerBound, $"/health took {healthTook} in the stall");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal("timeout", JsonNode.Parse(await health.Content.ReadAsStringAsync())!["entries"]!["database"]!["data"]!["problem"]!.GetValue<string>());

        proxy.Resume();
        await ApiProcess.WaitUntilHealthyAsync(api, client, TimeSpan.FromSeconds(60));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/listings?page=1")).StatusCode);
        Assert.DoesNotContain(server.Password, api.Text);
    }

    private static async Task<(HttpResponseMessage Response, TimeSpan Took)> TimedGetAsync(HttpClient client, string path)
    {
        var started = Stopwatch.GetTimestamp();
        var response = await client.GetAsync(path);
        return (response, Stopwatch.GetElapsedTime(started));
    }

    private async Task<int> ApiBackendsAsync()
    {
        await using var connection = await server.Server.OpenAsync("postgres", CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*)::int FROM pg_stat_activity WHERE application_name = 'Listings.Api'";
        return (int)(await command.ExecuteScalarAsync())!;
    }

    private async Task TerminateApiBackendsAsync()
    {
        await using var connection = await server.Server.OpenAsync("postgres", CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(pg_terminate_backend(pid))::int FROM pg_stat_activity WHERE application_name = 'Listings.Api'";
        Assert.True((int)(await command.ExecuteScalarAsync())! >= 2);
    }
}
