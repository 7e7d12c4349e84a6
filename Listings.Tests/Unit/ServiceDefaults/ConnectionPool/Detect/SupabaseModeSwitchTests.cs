using Listings.ServiceDefaults.ConnectionPool;
using Npgsql;

namespace Listings.Tests.Unit.ConnectionPool;

public sealed class SupabaseModeSwitchTests
{
    [Fact]
    public void SwitchingTheTransactionPoolerToSessionModeChangesOnlyThePort()
    {
        var plan = Plan(SupabaseConnections.TransactionPooler, "session-pooler");

        Assert.Empty(plan.Errors);
        Assert.Equal(ConnectionMode.SessionPooler, plan.Mode);
        Assert.Equal((SupabaseConnections.PoolerHost, 5432, SupabaseConnections.PoolerUser), (plan.Host, plan.Port, plan.Username));
        Assert.Equal(15, plan.MaxPoolSize);
        Assert.Contains(plan.Warnings, warning => warning.StartsWith("Switched to Supavisor's session mode (port 5432)", StringComparison.Ordinal));
        Assert.Contains("Port=6543", plan.Rewrite);
        Assert.Contains("Port=5432", plan.Rewrite);
    }

    [Fact]
    public void SwitchingTheTransactionPoolerToDirectChangesHostPortAndUserTogether()
    {
        var plan = Plan(SupabaseConnections.TransactionPooler, "direct");

        Assert.Empty(plan.Errors);
        Assert.Equal(ConnectionMode.Direct, plan.Mode);
        Assert.Equal((SupabaseConnections.DirectHost, 5432, "postgres"), (plan.Host, plan.Port, plan.Username));
        // The direct mode's 20, cut to the budget's share: a third of 60 for the replica and a rolling update's surge replica.
        Assert.Equal((10, 20, false), (plan.MaxPoolSize, plan.MaxAutoPrepare, plan.NoResetOnClose));
        Assert.Contains(plan.Warnings, warning => warning.Contains("IPv6", StringComparison.Ordinal));

        var built = new NpgsqlConnectionStringBuilder(plan.ConnectionString);
        Assert.Equal((SupabaseConnections.DirectHost, 5432, "postgres", SupabaseConnections.Password),
            (built.Host, built.Port, built.Username, built.Password));
    }

    [Fact]
    public void TheRewriteShowsBothSidesWithoutThePassword()
    {
        var plan = Plan(SupabaseConnections.TransactionPooler, "direct");

        Assert.NotNull(plan.Rewrite);
        var (before, after) = plan.Rewrite.Split(" => ") switch { [var b, var a] => (b, a), _ => throw new InvalidOperationException(plan.Rewrite) };
        Assert.Contains($"Host={SupabaseConnections.PoolerHost}", before);
        Assert.Contains("Port=6543", before);
        Assert.Contains($"Username={SupabaseConnections.PoolerUser}", before);
        Assert.Contains($"Host={SupabaseConnections.DirectHost}", after);
        Assert.Contains("Port=5432", after);
        Assert.Contains("Username=postgres;", after);
        Assert.DoesNotContain(SupabaseConnections.Password, plan.Rewrite);
    }

    [Fact]
    public void TheDedicatedPgBouncerSwitchesToDirectOnItsOwnHost()
    {
        var plan = Plan(SupabaseConnections.DedicatedPgBouncer, "direct");

        Assert.Empty(plan.Errors);
        Assert.Equal(ConnectionMode.Direct, plan.Mode);
        Assert.Equal((SupabaseConnections.DirectHost, 5432, "postgres"), (plan.Host, plan.Port, plan.Username));
    }

    [Fact]
    public void TheDirectHostCannotBeSwitchedToTheSessionPoolerWhoseRegionItHides()
    {
        var plan = Plan(SupabaseConnections.Direct, "session-pooler");

        var error = Assert.Single(plan.Errors);
        Assert.Contains("ConnectionPool:PreferredMode is 'session-pooler'", error);
        Assert.Contains("aws-0-<region>.pooler.supabase.com", error);
        Assert.Contains("Connect > Session pooler", error);
        Assert.False(plan.Safe);
        Assert.Null(plan.Rewrite);
    }

    [Theory]
    [InlineData("direct")]
    [InlineData("session-pooler")]
    public void ANonSupabaseHostCannotBeSwitched(string preferredMode)
    {
        var plan = Plan(SupabaseConnections.Local, preferredMode);

        var error = Assert.Single(plan.Errors);
        Assert.Contains($"ConnectionPool:PreferredMode is '{preferredMode}', but 'localhost' is not a Supabase host", error);
        Assert.Contains("set ConnectionPool:PreferredMode to keep", error);
    }

    [Theory]
    [InlineData(SupabaseConnections.TransactionPooler)]
    [InlineData(SupabaseConnections.SessionPooler)]
    [InlineData(SupabaseConnections.Local)]
    public void KeepChangesNothing(string connectionString)
    {
        var kept = Plan(connectionString, "keep");
        var original = new NpgsqlConnectionStringBuilder(connectionString);

        Assert.Null(kept.Rewrite);
        Assert.Empty(kept.Errors);
        Assert.Equal((original.Host, original.Port, original.Username), (kept.Host, kept.Port, kept.Username));
    }

    [Theory]
    [InlineData(SupabaseConnections.Direct, "direct")]
    [InlineData(SupabaseConnections.SessionPooler, "session-pooler")]
    public void PreferringTheModeAlreadyInUseChangesNothing(string connectionString, string preferredMode)
    {
        var plan = Plan(connectionString, preferredMode);

        Assert.Empty(plan.Errors);
        Assert.Null(plan.Rewrite);
        Assert.DoesNotContain(plan.Warnings, warning => warning.StartsWith("Switched", StringComparison.Ordinal));
    }

    [Fact]
    public void ADirectSwitchWithoutAProjectRefAnywhereIsImpossible()
    {
        var builder = new NpgsqlConnectionStringBuilder($"Host={SupabaseConnections.PoolerHost};Port=6543;Username=postgres");

        var error = Assert.Throws<InvalidOperationException>(() =>
            SupabaseModeSwitch.Apply(builder, "direct", ConnectionMode.TransactionPooler));

        Assert.Contains("the project ref cannot be found", error.Message);
        Assert.Equal(6543, builder.Port);
    }

    [Fact]
    public void ApplyRewritesTheBuilderInPlaceAndExplainsTheSwitch()
    {
        var builder = new NpgsqlConnectionStringBuilder(SupabaseConnections.TransactionPooler);

        var note = SupabaseModeSwitch.Apply(builder, "Direct", ConnectionMode.TransactionPooler);

        Assert.StartsWith("Switched to a direct connection", note);
        Assert.Equal(SupabaseConnections.DirectHost, builder.Host);
        Assert.Equal("postgres", builder.Username);
    }

    private static ConnectionPlan Plan(string connectionString, string preferredMode) =>
        ConnectionPlanner.Plan(
            connectionString, SupabaseConnections.Source, TestPlans.Options(("PreferredMode", preferredMode), ("ServerMaxConnections", 60)));
}
