using Listings.ServiceDefaults.ConnectionPool;
using Npgsql;

namespace Listings.Tests.Unit.ConnectionPool;

public sealed class StatementLimitsTests
{
    [Theory]
    [InlineData(SupabaseConnections.Local, StatementLimitsSetBy.StartupOptions)]
    [InlineData(SupabaseConnections.SessionPooler, StatementLimitsSetBy.StartupOptions)]
    [InlineData(SupabaseConnections.TransactionPooler, StatementLimitsSetBy.SetLocal)]
    public void DirectAndSessionConnectionsCarryTheLimitsAsStartupOptionsATransactionPoolerGetsSetLocal(string connectionString, StatementLimitsSetBy setBy)
    {
        var plan = TestPlans.Plan(connectionString, serverMaxConnections: 60);
        var options = new NpgsqlConnectionStringBuilder(plan.ConnectionString).Options;

        Assert.Equal(setBy, plan.LimitsSetBy);
        Assert.Equal(new StatementLimits(5_000, 2_000, 10_000), plan.Limits);
        Assert.Equal(new StatementLimits(300_000, 300_000, 10_000), plan.MigrationLimits);
        if (setBy == StatementLimitsSetBy.StartupOptions)
        {
            Assert.Equal("-c statement_timeout=5000 -c lock_timeout=2000 -c idle_in_transaction_session_timeout=10000", options);
        }
        else
        {
            // PgBouncer refuses the options start-up parameter.
            Assert.True(string.IsNullOrEmpty(options), options);
        }
    }

    [Fact]
    public void ALimitTheConnectionStringsOptionsSetWins()
    {
        var plan = ConnectionPlanner.Plan(
            SupabaseConnections.Local + ";Options=-c statement_timeout=60000 -c search_path=app", SupabaseConnections.Source, new ConnectionPoolOptions());

        Assert.Equal(
            "-c statement_timeout=60000 -c search_path=app -c lock_timeout=2000 -c idle_in_transaction_session_timeout=10000",
            new NpgsqlConnectionStringBuilder(plan.ConnectionString).Options);
    }

    [Fact]
    public void SetLocalSetsEveryLimitForTheCurrentTransactionOnly() =>
        Assert.Equal(
            "DO $$BEGIN PERFORM set_config('statement_timeout', '5000', true); PERFORM set_config('lock_timeout', '2000', true);"
            + " PERFORM set_config('idle_in_transaction_session_timeout', '0', true); END$$;",
            new StatementLimits(5_000, 2_000, 0).ToSetLocal());

    [Fact]
    public void SessionSetSetsEveryLimitUntilTheConnectionIsReset() =>
        Assert.Equal(
            "SET statement_timeout = 300000;SET lock_timeout = 300000;SET idle_in_transaction_session_timeout = 10000;",
            new StatementLimits(300_000, 300_000, 10_000).ToSetSession());

    [Theory]
    // connection string, Kerberos configured => GSS Encryption Mode
    [InlineData(SupabaseConnections.Local, false, "Disable")]
    [InlineData(SupabaseConnections.Local, true, "Prefer")]
    [InlineData(SupabaseConnections.Direct, true, "Disable")]
    [InlineData(SupabaseConnections.TransactionPooler, true, "Disable")]
    [InlineData(SupabaseConnections.DedicatedPgBouncer, true, "Disable")]
    [InlineData(SupabaseConnections.Local + ";GSS Encryption Mode=Require", false, "Require")]
    public void GssEncryptionIsOffWhereItCannotWorkUnlessTheConnectionStringSaysOtherwise(string connectionString, bool kerberos, string expected)
    {
        var plan = ConnectionPlanner.Plan(connectionString, SupabaseConnections.Source, new ConnectionPoolOptions(), kerberosConfigured: kerberos);

        Assert.Equal(expected, plan.GssEncryptionMode);
        Assert.Equal(expected, new NpgsqlConnectionStringBuilder(plan.ConnectionString).GssEncryptionMode.ToString());
    }

    [Theory]
    [InlineData("StatementTimeoutMs", -1)]
    [InlineData("LockTimeoutMs", -1)]
    [InlineData("IdleInTransactionTimeoutMs", -5)]
    [InlineData("LongHoldWarningMs", 0)]
    [InlineData("SurgeReplicas", -1)]
    [InlineData("MaxReplicas", 1001)]
    public void OutOfRangeLimitsNameTheirKey(string key, int value)
    {
        var options = TestPlans.Options((key, value));

        var failure = Assert.Single(ConnectionPoolOptionsValidator.Check(options));

        Assert.StartsWith($"ConnectionPool:{key} is {value}:", failure);
    }
}
