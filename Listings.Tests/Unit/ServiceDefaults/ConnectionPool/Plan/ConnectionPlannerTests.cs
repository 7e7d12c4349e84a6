using System.Text.Json;
using Listings.ServiceDefaults.ConnectionPool;
using Npgsql;

namespace Listings.Tests.Unit.ConnectionPool;

public sealed class ConnectionPlannerTests
{
    private const string Password = SupabaseConnections.Password;

    [Theory]
    // connection string => mode, Maximum Pool Size, Minimum Pool Size, Max Auto Prepare once the server answered (and the
    // probe proved it where one is needed), Max Auto Prepare when the server did not answer, No Reset On Close
    [InlineData(SupabaseConnections.Direct, ConnectionMode.Direct, 20, 0, 20, 20, false)]
    [InlineData(SupabaseConnections.Local, ConnectionMode.Direct, 20, 0, 20, 20, false)]
    [InlineData(SupabaseConnections.TransactionPooler, ConnectionMode.TransactionPooler, 10, 2, 0, 0, true)]
    [InlineData(SupabaseConnections.DedicatedPgBouncer, ConnectionMode.DedicatedPooler, 10, 2, 20, 0, true)]
    [InlineData(SupabaseConnections.SessionPooler, ConnectionMode.SessionPooler, 15, 0, 20, 20, false)]
    public void EachModeGetsItsOwnPoolDefaults(
        string connectionString, ConnectionMode mode, int maxPoolSize, int minPoolSize, int maxAutoPrepare, int unansweredMaxAutoPrepare, bool noResetOnClose)
    {
        // A server large enough that no budget takes a hand.
        var plan = TestPlans.Plan(connectionString, serverMaxConnections: 1000);

        Assert.Empty(plan.Errors);
        Assert.Equal(mode, plan.Mode);
        Assert.False(plan.ModeConfigured);
        Assert.Equal(maxPoolSize, plan.MaxPoolSize);
        Assert.Equal(minPoolSize, plan.MinPoolSize);
        Assert.Equal(maxAutoPrepare, plan.MaxAutoPrepare);
        Assert.Equal(maxAutoPrepare != unansweredMaxAutoPrepare, plan.PreparedStatementsNeedProbe);
        Assert.Equal(noResetOnClose, plan.NoResetOnClose);

        var built = Built(plan);
        Assert.Equal(maxPoolSize, built.MaxPoolSize);
        Assert.Equal(maxAutoPrepare, built.MaxAutoPrepare);
        Assert.Equal(noResetOnClose, built.NoResetOnClose);
        Assert.Equal(minPoolSize, built.MinPoolSize);
        Assert.Equal(unansweredMaxAutoPrepare, Built(Plan(connectionString)).MaxAutoPrepare);
    }

    [Theory]
    // PoolerPreparedStatements, MaxAutoPrepare => Max Auto Prepare once the probe proved it, probe
    [InlineData(false, null, 0, false)]
    [InlineData(true, null, 20, true)]
    [InlineData(true, 0, 0, false)]
    [InlineData(true, 50, 50, true)]
    public void ASelfHostedPgBouncerGetsPreparedStatementsOnlyWhenSaidToKeepThemAndAfterTheProbe(
        bool poolerPreparedStatements, int? maxAutoPrepare, int planned, bool probe)
    {
        const string pgBouncer = $"Host=pgbouncer.internal;Port=6432;Username=app;Password={Password}";
        var options = TestPlans.Options(("Mode", "transaction-pooler"), ("PoolerPreparedStatements", poolerPreparedStatements), ("MaxAutoPrepare", maxAutoPrepare));

        var proven = TestPlans.Plan(pgBouncer, options, serverMaxConnections: 100);
        var unasked = Plan(pgBouncer, options);

        Assert.Empty(proven.Errors);
        Assert.Equal((planned, probe), (proven.MaxAutoPrepare, proven.PreparedStatementsNeedProbe));
        Assert.Equal(planned, Built(proven).MaxAutoPrepare);
        Assert.Equal(0, Built(unasked).MaxAutoPrepare);
    }

    [Theory]
    [InlineData(SupabaseConnections.Direct)]
    [InlineData(SupabaseConnections.TransactionPooler)]
    [InlineData(SupabaseConnections.SessionPooler)]
    public void EveryModeWaitsSixtySecondsAndRecyclesIdleAndOldConnections(string connectionString)
    {
        var plan = Plan(connectionString);

        Assert.Equal(60, plan.TimeoutSeconds);
        Assert.Equal(5, plan.ConnectTimeoutSeconds);
        Assert.Equal(60, plan.ConnectionIdleLifetimeSeconds);
        Assert.Equal(1800, plan.ConnectionLifetimeSeconds);
        Assert.Equal(30, plan.KeepAliveSeconds);

        // Npgsql's Timeout bounds a connect and each slice of the wait for a free connection (ConnectionOpener).
        var built = Built(plan);
        Assert.Equal(5, built.Timeout);
        Assert.Equal(60, built.ConnectionIdleLifetime);
        Assert.Equal(1800, built.ConnectionLifetime);
        Assert.Equal(30, built.KeepAlive);
    }

    [Theory]
    // replicas => each replica's share of the 15 session-pooler clients
    [InlineData(1, 15)]
    [InlineData(2, 7)]
    [InlineData(3, 5)]
    [InlineData(4, 3)]
    public void BehindTheSessionPoolerReplicasShareItsClientCap(int replicas, int maxPoolSize)
    {
        var plan = Plan(SupabaseConnections.SessionPooler, TestPlans.Options(("Replicas", replicas)));

        Assert.Empty(plan.Errors);
        Assert.Equal(maxPoolSize, plan.MaxPoolSize);
        Assert.Equal(maxPoolSize, Built(plan).MaxPoolSize);
        Assert.Equal(replicas, plan.Replicas);
    }

    [Fact]
    public void KeywordsWrittenInTheConnectionStringWinOverThePoolOptions()
    {
        var options = TestPlans.Options(("MaxPoolSize", 12), ("MinPoolSize", 1), ("TimeoutSeconds", 30), ("ConnectionIdleLifetimeSeconds", 90), ("ConnectionLifetimeSeconds", 600), ("KeepAliveSeconds", 10), ("MaxAutoPrepare", 8));

        var plan = Plan(
            SupabaseConnections.Direct + ";Maximum Pool Size=7;Timeout=5;Minimum Pool Size=2;Connection Idle Lifetime=120;"
            + "Connection Lifetime=0;Keepalive=0;Max Auto Prepare=3",
            options);

        Assert.Empty(plan.Errors);
        Assert.Equal((7, 2, 5, 120, 0, 0, 3), (plan.MaxPoolSize, plan.MinPoolSize, plan.TimeoutSeconds, plan.ConnectionIdleLifetimeSeconds,
            plan.ConnectionLifetimeSeconds, plan.KeepAliveSeconds, plan.MaxAutoPrepare));
        var built = Built(plan);
        Assert.Equal((7, 2, 5, 120, 0, 0, 3), (built.MaxPoolSize, built.MinPoolSize, built.Timeout, built.ConnectionIdleLifetime,
            built.ConnectionLifetime, built.KeepAlive, built.MaxAutoPrepare));
    }

    [Theory]
    [InlineData("MaxPoolSize=7")]
    [InlineData("maximum pool size=7")]
    public void AnySpellingOfAKeywordCountsAsWritten(string keyword)
    {
        var plan = Plan(SupabaseConnections.Direct + ";" + keyword, TestPlans.Options(("MaxPoolSize", 12)));

        Assert.Equal(7, plan.MaxPoolSize);
    }

    [Fact]
    public void PoolOptionsWinOverTheModeDefaults()
    {
        var options = TestPlans.Options(("MaxPoolSize", 12), ("MinPoolSize", 3), ("TimeoutSeconds", 30), ("ConnectionIdleLifetimeSeconds", 90), ("ConnectionLifetimeSeconds", 600), ("KeepAliveSeconds", 10), ("MaxAutoPrepare", 8));

        var plan = Plan(SupabaseConnections.Direct, options);

        Assert.Empty(plan.Errors);
        var built = Built(plan);
        Assert.Equal((12, 3, 5, 90, 600, 10, 8), (built.MaxPoolSize, built.MinPoolSize, built.Timeout, built.ConnectionIdleLifetime,
            built.ConnectionLifetime, built.KeepAlive, built.MaxAutoPrepare));
        Assert.Equal((12, 3, 30, 8), (plan.MaxPoolSize, plan.MinPoolSize, plan.TimeoutSeconds, plan.MaxAutoPrepare));
    }

    [Theory]
    // Timeout written, ConnectTimeoutSeconds => pool wait, connect bound
    [InlineData(null, 5, 60, 5)]
    [InlineData(null, 2, 60, 2)]
    [InlineData(3, 5, 3, 3)]
    [InlineData(30, 10, 30, 10)]
    public void AConnectIsBoundedApartFromTheWaitForAFreeConnection(int? writtenTimeout, int connectTimeoutSeconds, int poolWait, int connect)
    {
        var plan = Plan(
            SupabaseConnections.Direct + (writtenTimeout is { } timeout ? $";Timeout={timeout}" : ""),
            TestPlans.Options(("ConnectTimeoutSeconds", connectTimeoutSeconds)));

        Assert.Equal((poolWait, connect), (plan.TimeoutSeconds, plan.ConnectTimeoutSeconds));
        Assert.Equal(connect, Built(plan).Timeout);
    }

    [Fact]
    public void AConfiguredModeOverridesDetectionForASelfHostedPgBouncer()
    {
        var plan = Plan(
            $"Host=pgbouncer.internal;Port=6432;Username=app;Password={Password}",
            TestPlans.Options(("Mode", "Transaction-Pooler")));

        Assert.Equal(ConnectionMode.TransactionPooler, plan.Mode);
        Assert.True(plan.ModeConfigured);
        Assert.Equal("transaction-pooler", plan.Mode?.ToName());
        Assert.Equal((10, 0, true), (plan.MaxPoolSize, plan.MaxAutoPrepare, plan.NoResetOnClose));
    }

    [Fact]
    public void MaxAutoPrepareWrittenBehindATransactionPoolerIsRefusedWithTheFix()
    {
        var plan = Plan(SupabaseConnections.TransactionPooler + ";Max Auto Prepare=5");

        Assert.False(plan.Safe);
        var error = Assert.Single(plan.Errors);
        Assert.Contains("Max Auto Prepare=5 is unsafe behind a transaction pooler", error);
        Assert.Contains("Remove 'Max Auto Prepare' from the connection string", error);
        Assert.Contains("port 5432", error);
        Assert.Equal(0, plan.MaxAutoPrepare);
    }

    [Fact]
    public void MaxAutoPrepareConfiguredBehindATransactionPoolerIsRefusedNamingTheOption()
    {
        var plan = Plan(SupabaseConnections.TransactionPooler, TestPlans.Options(("MaxAutoPrepare", 5)));

        Assert.False(plan.Safe);
        var error = Assert.Single(plan.Errors);
        Assert.Contains("Max Auto Prepare=5 is unsafe", error);
        Assert.Contains("ConnectionPool:MaxAutoPrepare", error);
    }

    [Fact]
    public void MaxAutoPrepareZeroWrittenBehindATransactionPoolerIsAccepted()
    {
        var plan = Plan(SupabaseConnections.TransactionPooler + ";Max Auto Prepare=0", TestPlans.Options(("ServerMaxConnections", 60)));

        Assert.Empty(plan.Errors);
        Assert.True(plan.Safe);
    }

    [Theory]
    // connection string suffix, replicas, option MaxPoolSize => words of the error
    [InlineData(";Maximum Pool Size=20", 1, null, "Maximum Pool Size 20 × 1 replica = 20", "Lower ConnectionPool:MaxPoolSize to 15")]
    [InlineData("", 2, 10, "Maximum Pool Size 10 × 2 replicas = 20", "Lower ConnectionPool:MaxPoolSize to 7")]
    [InlineData("", 1, 16, "Maximum Pool Size 16 × 1 replica = 16", "Lower ConnectionPool:MaxPoolSize to 15")]
    public void ASessionPoolerPoolAboveTheClientCapIsRefused(string suffix, int replicas, int? maxPoolSize, string arithmetic, string fix)
    {
        var plan = Plan(SupabaseConnections.SessionPooler + suffix, TestPlans.Options(("Replicas", replicas), ("MaxPoolSize", maxPoolSize)));

        Assert.False(plan.Safe);
        var error = Assert.Single(plan.Errors);
        Assert.Contains(arithmetic, error);
        Assert.Contains("client cap of 15 (ConnectionPool:SessionPoolerClientCap)", error);
        Assert.Contains("max clients reached in session mode", error);
        Assert.Contains(fix, error);
    }

    [Fact]
    public void ARaisedSessionPoolerClientCapAdmitsALargerPool()
    {
        var plan = Plan(SupabaseConnections.SessionPooler + ";Maximum Pool Size=20", TestPlans.Options(("SessionPoolerClientCap", 25)));

        Assert.Empty(plan.Errors);
        Assert.True(plan.Safe);
    }

    [Theory]
    [InlineData(";Minimum Pool Size=30", 0, "Minimum Pool Size (30) is above Maximum Pool Size (20)")]
    [InlineData(";Maximum Pool Size=4", 5, "Minimum Pool Size (5) is above Maximum Pool Size (4)")]
    [InlineData("", 25, "Minimum Pool Size (25) is above Maximum Pool Size (20)")]
    public void AMinimumAboveTheMaximumIsRefused(string suffix, int minPoolSize, string expected)
    {
        var plan = Plan(SupabaseConnections.Direct + suffix, TestPlans.Options(("MinPoolSize", minPoolSize)));

        Assert.False(plan.Safe);
        var error = Assert.Single(plan.Errors);
        Assert.Contains(expected, error);
        Assert.Contains("lower ConnectionPool:MinPoolSize or 'Minimum Pool Size'", error);
    }

    [Fact]
    public void NoResetOnCloseFalseWrittenBehindATransactionPoolerIsKeptWithAWarning()
    {
        var plan = Plan(SupabaseConnections.TransactionPooler + ";No Reset On Close=false");

        Assert.Empty(plan.Errors);
        Assert.False(plan.NoResetOnClose);
        Assert.False(Built(plan).NoResetOnClose);
        Assert.Contains(plan.Warnings, warning => warning.Contains("No Reset On Close=false is kept", StringComparison.Ordinal));
    }

    [Theory]
    // connection string => SSL Mode, warned that it was raised
    [InlineData(SupabaseConnections.Direct, SslMode.Require, false)]
    [InlineData(SupabaseConnections.TransactionPooler, SslMode.Require, false)]
    [InlineData(SupabaseConnections.Direct + ";SSL Mode=Prefer", SslMode.Require, true)]
    [InlineData(SupabaseConnections.SessionPooler + ";SSL Mode=Disable", SslMode.Require, true)]
    [InlineData(SupabaseConnections.Direct + ";SSL Mode=VerifyFull", SslMode.VerifyFull, false)]
    [InlineData(SupabaseConnections.TransactionPooler + ";SSL Mode=VerifyCA", SslMode.VerifyCA, false)]
    [InlineData(SupabaseConnections.Local, SslMode.Prefer, false)]
    [InlineData(SupabaseConnections.Local + ";SSL Mode=Disable", SslMode.Disable, false)]
    public void SupabaseConnectionsAreRaisedToAtLeastRequiredTls(string connectionString, SslMode expected, bool warned)
    {
        var plan = Plan(connectionString);

        Assert.Equal(expected.ToString(), plan.SslMode);
        Assert.Equal(expected, Built(plan).SslMode);
        Assert.Equal(warned, plan.Warnings.Any(warning => warning.Contains("was raised to Require", StringComparison.Ordinal)));
    }

    [Fact]
    public void ASupabaseUrlWithSslmodeDisableIsRaisedWithAWarningNamingTheWrittenMode()
    {
        var plan = Plan($"postgresql+asyncpg://{SupabaseConnections.PoolerUser}:{Password}@{SupabaseConnections.PoolerHost}:6543/postgres?sslmode=disable");

        Assert.Equal("Require", plan.SslMode);
        Assert.Contains(plan.Warnings, warning => warning.StartsWith("SSL Mode=Disable was raised to Require", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(SupabaseConnections.Local, "Listings.Api")]
    [InlineData(SupabaseConnections.Local + ";Application Name=psql", "psql")]
    [InlineData("postgresql://postgres:pw@localhost/listings?application_name=worker", "worker")]
    public void TheApplicationNameIsSetUnlessTheConnectionStringNamesOne(string connectionString, string expected)
    {
        var plan = ConnectionPlanner.Plan(connectionString, SupabaseConnections.Source, new ConnectionPoolOptions(), applicationName: "Listings.Api");

        Assert.Equal(expected, Built(plan).ApplicationName);
    }

    [Fact]
    public void NoApplicationNameLeavesItUnset() =>
        Assert.Null(Built(Plan(SupabaseConnections.Local)).ApplicationName);

    [Theory]
    [InlineData(SupabaseConnections.Direct, "direct connection: optimal")]
    [InlineData(SupabaseConnections.SessionPooler, "session pooler: every pooled connection holds one of its 15 client slots")]
    [InlineData(SupabaseConnections.TransactionPooler, "transaction pooler: no prepared statements")]
    public void EachModeComesWithItsStartUpAdvice(string connectionString, string advice) =>
        Assert.StartsWith(advice, Plan(connectionString).Advice);

    [Fact]
    public void ThePlanDescribesTheConnectionWithoutItsPassword()
    {
        var plan = Plan(SupabaseConnections.SessionPooler);

        Assert.Equal(SupabaseConnections.Source, plan.Source);
        Assert.Equal((SupabaseConnections.PoolerHost, 5432, "postgres", SupabaseConnections.PoolerUser),
            (plan.Host, plan.Port, plan.Database, plan.Username));
        Assert.Equal("session-pooler", plan.Mode?.ToName());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void NoConnectionStringIsRefusedNamingWhereToSetIt(string? connectionString)
    {
        var plan = ConnectionPlanner.Plan(connectionString, "ConnectionStrings:listingsdb or DATABASE_URL", new ConnectionPoolOptions());

        var error = Assert.Single(plan.Errors);
        Assert.StartsWith("No database connection is configured: set ConnectionStrings:listingsdb or DATABASE_URL", error);
        Assert.Null(plan.Mode);
        Assert.Null(plan.ConnectionString);
        Assert.False(plan.Safe);
    }

    [Fact]
    public void AnUnreadableConnectionStringBecomesThePlansOnlyError()
    {
        var plan = ConnectionPlanner.Plan($"Host=h;Password={Password};{SupabaseConnections.RejectedMaxPoolSizeKeyword}=30", "DATABASE_URL", new ConnectionPoolOptions());

        var error = Assert.Single(plan.Errors);
        Assert.Contains("write 'Maximum Pool Size'", error);
        Assert.Null(plan.Mode);
        Assert.Null(plan.ConnectionString);
    }

    [Theory]
    // connection string, PreferredMode, replicas, strict, server max_connections
    [InlineData(SupabaseConnections.Direct + ";Maximum Pool Size=20", "keep", 3, true, 60)]
    [InlineData(SupabaseConnections.Direct + ";SSL Mode=Disable", "keep", 3, false, 60)]
    [InlineData(SupabaseConnections.TransactionPooler + ";Max Auto Prepare=5;No Reset On Close=false", "keep", 1, false, null)]
    [InlineData(SupabaseConnections.TransactionPooler, "direct", 1, false, null)]
    [InlineData(SupabaseConnections.TransactionPooler, "session-pooler", 2, false, 60)]
    [InlineData(SupabaseConnections.SessionPooler + ";Maximum Pool Size=20;Minimum Pool Size=25", "keep", 1, false, null)]
    [InlineData(SupabaseConnections.Direct, "session-pooler", 1, false, null)]
    [InlineData(SupabaseConnections.Local, "direct", 1, false, null)]
    [InlineData("postgresql://postgres:" + Password + "@:5432/db", "keep", 1, false, null)]
    [InlineData("postgresql://postgres:" + Password + "@db.example.com/db?pool_pre_ping=true", "keep", 1, false, null)]
    [InlineData("Host=h;Password=" + Password + ";" + SupabaseConnections.RejectedMaxPoolSizeKeyword + "=3", "keep", 1, false, null)]
    [InlineData("Host=h;Password=" + Password + ";Port=abc", "keep", 1, false, null)]
    public void ThePasswordNeverAppearsInWhatThePlanShows(string connectionString, string preferredMode, int replicas, bool strict, int? serverMaxConnections)
    {
        var options = TestPlans.Options(("PreferredMode", preferredMode), ("Replicas", replicas), ("Strict", strict));

        var plan = TestPlans.Plan(connectionString, options, serverMaxConnections);

        Assert.NotEmpty(plan.Errors.Concat(plan.Warnings));
        var shown = plan.Errors.Concat(plan.Warnings).Append(plan.Rewrite ?? "").Append(plan.Advice ?? "");
        Assert.All(shown, text => Assert.DoesNotContain(Password, text));
        var json = JsonSerializer.Serialize(plan, new JsonSerializerOptions(JsonSerializerDefaults.Web));
        Assert.DoesNotContain(Password, json);
        Assert.DoesNotContain("connectionString", json);
        Assert.True(plan.ConnectionString is null || plan.ConnectionString.Contains(Password, StringComparison.Ordinal));
    }

    [Fact]
    public void ThePlanSerializesItsModeByNameAndItsVerdict()
    {
        var plan = Plan(SupabaseConnections.Direct, TestPlans.Options(("ServerMaxConnections", 60)));

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(plan, new JsonSerializerOptions(JsonSerializerDefaults.Web)));

        Assert.Equal("direct", json.RootElement.GetProperty("mode").GetString());
        Assert.True(json.RootElement.GetProperty("safe").GetBoolean());
        // A third of 60, shared by the replica and a rolling update's surge replica.
        Assert.Equal(10, json.RootElement.GetProperty("maxPoolSize").GetInt32());
        Assert.Equal("budget", json.RootElement.GetProperty("maxPoolSizeChosenBy").GetString());
        Assert.Equal(10, json.RootElement.GetProperty("budget").GetProperty("perReplicaAllowance").GetInt32());
        Assert.Equal("startup-options", json.RootElement.GetProperty("limitsSetBy").GetString());
        Assert.Equal("Disable", json.RootElement.GetProperty("gssEncryptionMode").GetString());
        Assert.False(json.RootElement.TryGetProperty("connectionString", out _));
    }

    private static ConnectionPlan Plan(string connectionString, ConnectionPoolOptions? options = null) =>
        ConnectionPlanner.Plan(connectionString, SupabaseConnections.Source, options ?? new ConnectionPoolOptions());

    private static NpgsqlConnectionStringBuilder Built(ConnectionPlan plan)
    {
        Assert.NotNull(plan.ConnectionString);
        return new NpgsqlConnectionStringBuilder(plan.ConnectionString);
    }
}
