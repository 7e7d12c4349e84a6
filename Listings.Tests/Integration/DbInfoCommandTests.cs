using System.Text.Json.Nodes;
using Listings.AppHost.Database;
using Listings.Tests.Infrastructure;
using Listings.Tests.Unit.ConnectionPool;
using Npgsql;

namespace Listings.Tests.Integration;

/// <summary>Runs <c>Listings.Api db-info</c> as a user would, against the real local server and against unreachable ones.</summary>
[Collection(ListingsAppCollection.Name)]
public sealed class DbInfoCommandTests(ListingsAppFixture fixture)
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task AgainstTheRunningServerItReportsThePlanAndWhatTheServerSays()
    {
        var connectionString = (await fixture.App.GetConnectionStringAsync(ListingsDatabase.ResourceName))!;

        var (exitCode, json, text) = await DbInfoJsonAsync(new() { ["ConnectionStrings__listingsdb"] = connectionString });

        Assert.Equal(0, exitCode);
        Assert.Equal(0, json["exitCode"]!.GetValue<int>());
        Assert.Equal("direct", json["mode"]!.GetValue<string>());
        Assert.Equal("127.0.0.1", json["host"]!.GetValue<string>());
        // A third of the server's 60, shared by the replica and a rolling update's surge replica: 10 each, one of them kept
        // beside the pool for the cache's listener.
        Assert.Equal(9, json["maxPoolSize"]!.GetValue<int>());
        Assert.Equal(1, json["dedicatedConnections"]!.GetValue<int>());
        Assert.Equal("budget", json["maxPoolSizeChosenBy"]!.GetValue<string>());
        Assert.Equal(5000, json["limits"]!["statementTimeoutMs"]!.GetValue<int>());
        Assert.Equal(2000, json["limits"]!["lockTimeoutMs"]!.GetValue<int>());
        Assert.Equal(10000, json["limits"]!["idleInTransactionTimeoutMs"]!.GetValue<int>());
        // Each limit once, by name: nothing else under limits.
        Assert.Equal(3, json["limits"]!.AsObject().Count);
        Assert.Equal("startup-options", json["limitsSetBy"]!.GetValue<string>());
        Assert.Equal("Disable", json["gssEncryptionMode"]!.GetValue<string>());
        Assert.Equal("Listings.Api", json["fleet"]!["applicationName"]!.GetValue<string>());
        Assert.Equal(20, json["fleet"]!["budget"]!.GetValue<int>());
        Assert.True(json["fleet"]!["connections"]!.GetValue<int>() >= 0);
        Assert.Equal(60, json["server"]!["maxConnections"]!.GetValue<int>());
        Assert.StartsWith("15", json["server"]!["version"]!.GetValue<string>());
        Assert.True(json["server"]!["connectionsInUse"]!.GetValue<int>() >= 1);
        Assert.Equal("server", json["budget"]!["source"]!.GetValue<string>());
        Assert.Equal(10, json["budget"]!["perReplicaAllowance"]!.GetValue<int>());
        Assert.True(json["safe"]!.GetValue<bool>());
        Assert.DoesNotContain(new NpgsqlConnectionStringBuilder(connectionString).Password!, text);
    }

    [Fact]
    public async Task SqlAlchemyUrlToAnUnreachableTransactionPoolerGivesItsPlanAndTheConnectionProblem()
    {
        var (exitCode, json, text) = await DbInfoJsonAsync(new()
        {
            ["DATABASE_URL"] = $"postgresql+psycopg://app%2Buser:p%40ss-Word-42@127.0.0.1:{FreePort.Next()}/listings?sslmode=disable",
            ["ConnectionPool__Mode"] = "transaction-pooler",
            ["ConnectionPool__ServerMaxConnections"] = "60",
        });

        // The plan is safe; only the server is out of reach.
        Assert.Equal(2, exitCode);
        Assert.Equal("DATABASE_URL", json["source"]!.GetValue<string>());
        Assert.Equal("transaction-pooler", json["mode"]!.GetValue<string>());
        Assert.Equal("app+user", json["username"]!.GetValue<string>());
        Assert.Equal("listings", json["database"]!.GetValue<string>());
        Assert.Equal("Disable", json["sslMode"]!.GetValue<string>());
        Assert.Equal(10, json["maxPoolSize"]!.GetValue<int>());
        Assert.Equal(0, json["maxAutoPrepare"]!.GetValue<int>());
        Assert.True(json["noResetOnClose"]!.GetValue<bool>());
        Assert.Equal("set-local", json["limitsSetBy"]!.GetValue<string>());
        Assert.Equal(12, json["budget"]!["perReplicaAllowance"]!.GetValue<int>());
        Assert.Null(json["server"]);
        Assert.Equal("connection-refused", json["problem"]!["name"]!.GetValue<string>());
        Assert.Contains("DATABASE_URL", json["problem"]!["fix"]!.GetValue<string>());
        Assert.True(json["safe"]!.GetValue<bool>());
        Assert.DoesNotContain("p@ss-Word-42", text);
        Assert.DoesNotContain("p%40ss-Word-42", text);
    }

    [Fact]
    public async Task PoolOverItsBudgetIsNotSafeAndSaysTheNumbers()
    {
        var (exitCode, json, _) = await DbInfoJsonAsync(new()
        {
            ["ConnectionStrings__listingsdb"] = $"Host=127.0.0.1;Port={FreePort.Next()};Username=app;Password=pw;Database=listings",
            ["ConnectionPool__MaxPoolSize"] = "30",
            ["ConnectionPool__ServerMaxConnections"] = "60",
            ["ConnectionPool__Replicas"] = "2",
        });

        Assert.Equal(1, exitCode);
        Assert.True(json["overBudget"]!.GetValue<bool>());
        Assert.False(json["safe"]!.GetValue<bool>());
        var warning = Assert.Single(json["warnings"]!.AsArray(), w => w!.GetValue<string>().Contains("exceeds the budget"))!.GetValue<string>();
        Assert.Contains("(Maximum Pool Size 30 + 1 connection kept beside the pool) × 3 replicas (MaxReplicas + SurgeReplicas) = 93", warning);
        Assert.Contains("lower ConnectionPool:MaxPoolSize to 5", warning);
    }

    [Theory]
    [InlineData("postgresql://admin:hunter2-Secret@@db.example.com:notaport/app", "is not a valid URL")]
    [InlineData("Host=127.0.0.1;Username=app;Password=hunter2-Secret;" + SupabaseConnections.RejectedMaxPoolSizeKeyword + "=20", "write 'Maximum Pool Size'")]
    [InlineData("Host=127.0.0.1;Username=app;Password=hunter2-Secret;Max Auto Prepare=10;Port=6543", "unsafe behind a transaction pooler")]
    public async Task UnusableConnectionIsNotSafeWithOneClearErrorAndNoPassword(string connectionString, string error)
    {
        var (exitCode, json, text) = await DbInfoJsonAsync(new()
        {
            ["ConnectionStrings__listingsdb"] = connectionString,
            ["ConnectionPool__Mode"] = connectionString.Contains("6543", StringComparison.Ordinal) ? "transaction-pooler" : "direct",
        });

        Assert.Equal(1, exitCode);
        Assert.Contains(json["errors"]!.AsArray(), e => e!.GetValue<string>().Contains(error, StringComparison.Ordinal));
        Assert.DoesNotContain("hunter2", text);
    }

    [Fact]
    public async Task HumanOutputNamesTheModeThePoolAndTheVerdict()
    {
        var connectionString = (await fixture.App.GetConnectionStringAsync(ListingsDatabase.ResourceName))!;
        await using var process = ApiProcess.Start(
            new Dictionary<string, string>
            {
                ["ConnectionStrings__listingsdb"] = connectionString,
                ["ConnectionPool__ServerMaxConnections"] = "60",
            },
            FreePort.Next(),
            "db-info");

        Assert.Equal(0, await process.WaitForExitAsync(CommandTimeout));
        Assert.Contains("mode         direct", process.Text);
        Assert.Contains("Maximum Pool Size 9 (chosen by budget), Minimum Pool Size 0, Timeout 60 s; 1 more kept beside it", process.Text);
        Assert.Contains("20 of 60 server connections", process.Text);
        Assert.Contains("limits       statement 5000 ms, lock 2000 ms, idle in transaction 10000 ms (startup-options)", process.Text);
        Assert.Contains("gss          GSS Encryption Mode Disable", process.Text);
        Assert.Contains("peers        the running replicas hold ", process.Text);
        Assert.Contains("server       PostgreSQL 15", process.Text);
        Assert.Contains("verdict      safe", process.Text);
        Assert.DoesNotContain(new NpgsqlConnectionStringBuilder(connectionString).Password!, process.Text);
    }

    [Fact]
    public async Task StrictPolicyStopsTheServiceAtStartWhenThePoolIsOverBudget()
    {
        var connectionString = (await fixture.App.GetConnectionStringAsync(ListingsDatabase.ResourceName))!;
        await using var api = ApiProcess.Start(
            new Dictionary<string, string>
            {
                ["ConnectionStrings__listingsdb"] = connectionString,
                ["ConnectionPool__MaxPoolSize"] = "40",
                ["ConnectionPool__Strict"] = "true",
            },
            FreePort.Next());

        Assert.NotEqual(0, await api.WaitForExitAsync(CommandTimeout));
        Assert.True(api.Text.Contains("exceeds the budget of 20 (33% of 60 server connections)", StringComparison.Ordinal), api.Text);
        Assert.Contains("ConnectionPool:Strict is true", api.Text);
        Assert.DoesNotContain(new NpgsqlConnectionStringBuilder(connectionString).Password!, api.Text);
    }

    private static async Task<(int ExitCode, JsonNode Json, string Text)> DbInfoJsonAsync(Dictionary<string, string> environment)
    {
        await using var process = ApiProcess.Start(environment, FreePort.Next(), "db-info", "--json");
        var exitCode = await process.WaitForExitAsync(CommandTimeout);
        var text = process.Text;
        var start = text.IndexOf('{', StringComparison.Ordinal);
        Assert.True(start >= 0, $"db-info printed no JSON (exit {exitCode}):\n{text}");
        return (exitCode, JsonNode.Parse(text[start..])!, text);
    }
}
