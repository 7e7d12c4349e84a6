using System.Text.Json.Nodes;
using Listings.Tests.Infrastructure;

namespace Listings.Tests.Integration;

/// <summary>
/// A wrong password does not hammer the server (or a pooler that bans clients after failed logins): after a refused
/// login the API stops connecting for a backoff, answers 503 with a <c>Retry-After</c> of the time left, and shows the
/// backoff in <c>/health</c>. Failed logins are counted in the real PostgreSQL's own log.
/// </summary>
public sealed class LoginBackoffTests(ThrowawayPostgres server) : IClassFixture<ThrowawayPostgres>
{
    // Long against the test: every request below falls inside the first backoff, however slow the machine.
    private const int BackoffSeconds = 120;

    [Fact]
    public async Task AfterARefusedLoginRequestsAndProbesGet503WithTheBackoffLeftAndNoConnectionIsTried()
    {
        var role = $"app_{Guid.NewGuid():N}"[..20];
        await using (var admin = await server.Server.OpenAsync("postgres", CancellationToken.None))
        await using (var create = admin.CreateCommand())
        {
            create.CommandText = $"CREATE ROLE {role} LOGIN PASSWORD 'Right-{Guid.NewGuid():N}'";
            await create.ExecuteNonQueryAsync();
        }

        var port = FreePort.Next();
        await using var api = ApiProcess.Start(new Dictionary<string, string>
        {
            ["ConnectionStrings__listingsdb"] = $"Host=127.0.0.1;Port={server.Port};Username={role};Password=Wrong-{Guid.NewGuid():N};Database=postgres;Timeout=3;GSS Encryption Mode=Disable",
            ["ConnectionPool__LoginBackoffSeconds"] = $"{BackoffSeconds}",
            ["ConnectionPool__LoginBackoffMaxSeconds"] = $"{BackoffSeconds}",
        }, port);
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };

        var health = JsonNode.Parse(await (await ApiProcess.FirstAnswerAsync(api, client, "/health", TimeSpan.FromSeconds(60))).Content.ReadAsStringAsync())!;
        var database = health["entries"]!["database"]!;
        Assert.Equal("Unhealthy", database["status"]!.GetValue<string>());
        Assert.Equal("wrong-password", database["data"]!["problem"]!.GetValue<string>());
        var left = database["data"]!["loginBackoffSeconds"]!.GetValue<int>();
        Assert.InRange(left, 1, BackoffSeconds);

        for (var i = 0; i < 20; i++)
        {
            var response = await client.GetAsync("/api/v1/listings?page=1");
            await HttpAssertions.AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable);
            var retryAfter = (int)response.Headers.RetryAfter!.Delta!.Value.TotalSeconds;
            // The time left, counting down from what /health said.
            Assert.InRange(retryAfter, 1, left);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/health")).StatusCode);
        }

        // 20 requests, 20 health probes and the initializer, and the server saw only the probe at start. (GSS is off: with
        // Npgsql 10's GSS Encryption Mode=Prefer a refused login is tried once more without it, two lines for one connect.)
        Assert.True(1 == FailedLogins(role), $"{FailedLogins(role)} failed logins; {ServerLog()}\n{api.Text}");
        Assert.Single(api.Text.Split('\n'), line => line.Contains("Database login refused (wrong-password)", StringComparison.Ordinal));
        Assert.Contains($"no connection is tried for {BackoffSeconds} s", api.Text);
    }

    private string ServerLog()
    {
        var log = Path.GetTempFileName();
        server.Server.CopyLogTo(log);
        var text = File.ReadAllText(log);
        File.Delete(log);
        return text;
    }

    private int FailedLogins(string role)
    {
        var log = Path.GetTempFileName();
        try
        {
            server.Server.CopyLogTo(log);
            return File.ReadAllLines(log).Count(line => line.Contains($"password authentication failed for user \"{role}\"", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(log);
        }
    }
}
