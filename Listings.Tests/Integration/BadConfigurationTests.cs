using System.Text.Json.Nodes;
using Listings.Tests.Infrastructure;

namespace Listings.Tests.Integration;

/// <summary>
/// Each way to get the database configuration wrong, met as a user meets it: the built API started with it, and
/// <c>db-info</c> (JSON and text) run with it, against a real PostgreSQL of this class's own (SSL off). Every output is
/// captured and must name the problem and its fix, and the password, right or wrong, appears in none of them.
/// </summary>
public sealed class BadConfigurationTests(ThrowawayPostgres server) : IClassFixture<ThrowawayPostgres>
{
    private static readonly string WrongPassword = $"S3cret-Pa55-{Guid.NewGuid():N}";
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(60);

    // name => what the start does, the problem /health and db-info name (null when the plan itself is refused, before
    // any connection), what every output says, and the configuration. Timeout=3 where waiting is not the point.
    private static readonly Dictionary<string, BadConfiguration> Table = new()
    {
        ["malformed URL"] = new(StopsStart: true, Problem: null,
            ["DATABASE_URL is not a valid URL", "percent-encode special characters in the user name and password"],
            pg => new() { ["DATABASE_URL"] = $"postgresql://postgres:{pg.Password}@@127.0.0.1:notaport/postgres" }),
        ["wrong password"] = new(StopsStart: false, "wrong-password",
            ["rejected the login of user 'postgres' to database 'postgres': wrong password or unknown user",
                "Check the password (and user name) in ConnectionStrings:listingsdb"],
            pg => new() { ["ConnectionStrings__listingsdb"] = pg.ConnectionString("Timeout=3").Replace(pg.Password, WrongPassword, StringComparison.Ordinal) }),
        ["wrong password, strict"] = new(StopsStart: true, "wrong-password",
            ["rejected the login of user 'postgres'", "Check the password (and user name) in DATABASE_URL"],
            pg => new()
            {
                ["DATABASE_URL"] = $"postgresql://postgres:{WrongPassword}@127.0.0.1:{pg.Port}/postgres?connect_timeout=3",
                ["ConnectionPool__Strict"] = "true",
            }),
        ["unknown host"] = new(StopsStart: false, "unknown-host",
            ["The host name 'listings-db.invalid' does not resolve", "Check the host in ConnectionStrings:listingsdb"],
            pg => new() { ["ConnectionStrings__listingsdb"] = pg.ConnectionString("Timeout=3").Replace("127.0.0.1", "listings-db.invalid", StringComparison.Ordinal) }),
        ["closed port"] = new(StopsStart: false, "connection-refused",
            ["Nothing accepts connections at 127.0.0.1:", "Is PostgreSQL running there, and is the port in ConnectionStrings:listingsdb right?"],
            pg => new() { ["ConnectionStrings__listingsdb"] = pg.ConnectionString("Timeout=3").Replace($"Port={pg.Port}", $"Port={FreePort.Next()}", StringComparison.Ordinal) }),
        ["SSL required, server without SSL"] = new(StopsStart: false, "ssl-refused",
            ["does not accept SSL, and SSL Mode=Require requires it", "Set SSL Mode=Disable or Prefer"],
            pg => new() { ["ConnectionStrings__listingsdb"] = pg.ConnectionString("SSL Mode=Require;Timeout=3") }),
        ["auto-prepare on a transaction pooler"] = new(StopsStart: true, Problem: null,
            ["Max Auto Prepare=20 is unsafe behind a transaction pooler", "Remove 'Max Auto Prepare' from the connection string"],
            pg => new()
            {
                ["ConnectionStrings__listingsdb"] = pg.ConnectionString("Max Auto Prepare=20;Timeout=3"),
                ["ConnectionPool__Mode"] = "transaction-pooler",
            }),
        ["pool over budget, strict"] = new(StopsStart: true, Problem: null,
            // 33 ÷ 2 replicas = 16 each, one of them the cache listener's.
            ["(Maximum Pool Size 40 + 1 connection kept beside the pool) × 2 replicas", "exceeds the budget of 33 (33% of 100 server connections)",
                "lower ConnectionPool:MaxPoolSize to 15", "ConnectionPool:Strict is true"],
            pg => new()
            {
                ["ConnectionStrings__listingsdb"] = pg.ConnectionString("Timeout=3"),
                ["ConnectionPool__MaxPoolSize"] = "40",
                ["ConnectionPool__Strict"] = "true",
            }),
    };

    public static TheoryData<string> Configurations => [.. Table.Keys];

    [Theory]
    [MemberData(nameof(Configurations))]
    public async Task EachBadConfigurationIsNamedWithItsFixAtStartAndByDbInfoWithoutThePassword(string configuration)
    {
        var bad = Table[configuration];
        var environment = bad.Environment(server);
        var port = FreePort.Next();

        await using var api = ApiProcess.Start(environment, port);
        await using var dbInfoJson = ApiProcess.Start(environment, FreePort.Next(), "db-info", "--json");
        await using var dbInfoText = ApiProcess.Start(environment, FreePort.Next(), "db-info");

        var health = bad.StopsStart ? null : await ProveItStaysUpUnhealthyAsync(api, port, bad.Problem!);
        if (bad.StopsStart)
        {
            // A refusal is the message and exit code 1, not a crash: no stack trace buries it.
            Assert.Equal(1, await api.WaitForExitAsync(ProcessTimeout));
            Assert.DoesNotContain("Unhandled exception", api.Text);
            Assert.DoesNotContain("   at ", api.Text);
        }

        Assert.All(bad.Says, says => Assert.True(api.Text.Contains(says, StringComparison.Ordinal), $"The API did not say \"{says}\":\n{api.Text}"));

        // 1: the plan itself is refused; 2: the plan is safe, the server could not be reached (or refused the login).
        var exitCode = bad.Problem is null ? 1 : 2;
        Assert.Equal(exitCode, await dbInfoJson.WaitForExitAsync(ProcessTimeout));
        var json = JsonNode.Parse(dbInfoJson.Text[dbInfoJson.Text.IndexOf('{', StringComparison.Ordinal)..])!;
        // safe is the plan's verdict: exit 2 is a safe plan whose server could not be reached.
        Assert.Equal(exitCode == 2, json["safe"]!.GetValue<bool>());
        Assert.Equal(bad.Problem, json["problem"]?["name"]?.GetValue<string>());
        var reported = string.Join(" ", json["errors"]!.AsArray().Select(error => error!.GetValue<string>())
            .Append(json["problem"]?["message"]?.GetValue<string>()).Append(json["problem"]?["fix"]?.GetValue<string>()));
        Assert.All(bad.Says, says => Assert.True(reported.Contains(says, StringComparison.Ordinal), $"db-info --json did not say \"{says}\":\n{dbInfoJson.Text}"));

        Assert.Equal(exitCode, await dbInfoText.WaitForExitAsync(ProcessTimeout));
        Assert.Contains(bad.Problem is null ? "verdict      NOT SAFE" : "verdict      safe plan, but the server could not be reached (exit 2)", dbInfoText.Text);
        if (bad.Problem is not null)
        {
            Assert.Contains($"server       no connection ({bad.Problem}): ", dbInfoText.Text);
            Assert.Contains("  fix          ", dbInfoText.Text);
        }

        foreach (var output in new[] { api.Text, dbInfoJson.Text, dbInfoText.Text, health ?? "" })
        {
            Assert.DoesNotContain(server.Password, output);
            Assert.DoesNotContain(WrongPassword, output);
        }
    }

    [Fact]
    public async Task AWrongPasswordFixedOnTheServerHealsWithoutARestart()
    {
        var role = $"app_{Guid.NewGuid():N}"[..20];
        var rightPassword = $"Right-Pa55-{Guid.NewGuid():N}";
        await using (var admin = await server.Server.OpenAsync("postgres", CancellationToken.None))
        await using (var create = admin.CreateCommand())
        {
            create.CommandText = $"CREATE ROLE {role} LOGIN CREATEDB PASSWORD '{WrongPassword}-not-yet'";
            await create.ExecuteNonQueryAsync();
        }

        var port = FreePort.Next();
        await using var api = ApiProcess.Start(new Dictionary<string, string>
        {
            ["ConnectionStrings__listingsdb"] = $"Host=127.0.0.1;Port={server.Port};Username={role};Password={rightPassword};Database={role};Timeout=3",
            // The next attempt after the password is fixed comes within a backoff of at most 2 s (LoginBackoffTests).
            ["ConnectionPool__LoginBackoffSeconds"] = "1",
            ["ConnectionPool__LoginBackoffMaxSeconds"] = "2",
        }, port);
        await ProveItStaysUpUnhealthyAsync(api, port, "wrong-password");

        // The operator resets the password on the server to the one the service has: no restart of the service.
        await using (var admin = await server.Server.OpenAsync("postgres", CancellationToken.None))
        await using (var alter = admin.CreateCommand())
        {
            alter.CommandText = $"ALTER ROLE {role} PASSWORD '{rightPassword}'";
            await alter.ExecuteNonQueryAsync();
        }

        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(20) };
        await ApiProcess.WaitUntilHealthyAsync(api, client, TimeSpan.FromSeconds(90));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/listings?page=1")).StatusCode);
        Assert.DoesNotContain(rightPassword, api.Text);
    }

    // Up and answering, /health Unhealthy with the problem's name, requests 503, and one error line at start; returns
    // the /health body.
    private static async Task<string> ProveItStaysUpUnhealthyAsync(ProcessOutput api, int port, string problem)
    {
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(20) };
        var health = await ApiProcess.FirstAnswerAsync(api, client, "/health", ProcessTimeout);
        var body = await health.Content.ReadAsStringAsync();
        var database = JsonNode.Parse(body)!["entries"]!["database"]!;
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal("Unhealthy", database["status"]!.GetValue<string>());
        Assert.Equal(problem, database["data"]!["problem"]!.GetValue<string>());

        var listings = await client.GetAsync("/api/v1/listings?page=1");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, listings.StatusCode);

        Assert.False(api.Process.HasExited, $"The API exited:\n{api.Text}");
        Assert.Single(api.Text.Split('\n'), line => line.Contains("Database connection problem", StringComparison.Ordinal));
        return body;
    }

    private sealed record BadConfiguration(
        bool StopsStart, string? Problem, string[] Says, Func<ThrowawayPostgres, Dictionary<string, string>> Environment);
}
