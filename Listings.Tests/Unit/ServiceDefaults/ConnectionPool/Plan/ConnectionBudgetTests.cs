using Listings.ServiceDefaults.ConnectionPool;

namespace Listings.Tests.Unit.ConnectionPool;

public sealed class ConnectionBudgetTests
{
    [Theory]
    // server max_connections, fraction, replicas => allowance per replica
    [InlineData(60, 1.0 / 3, 1, 20)]
    [InlineData(60, 0.4, 1, 24)]
    [InlineData(60, 1.0 / 3, 3, 6)]
    [InlineData(90, 1.0 / 3, 1, 30)]
    [InlineData(120, 0.4, 4, 12)]
    [InlineData(2, 0.1, 1, 1)]
    public void TheAllowanceIsTheServersShareDividedByReplicasRoundedDownButNeverZero(int max, double fraction, int replicas, int allowance)
    {
        var budget = ConnectionBudget.FromServer(max, fraction, replicas, ConnectionBudgetSource.Configured);

        Assert.Equal(allowance, budget.PerReplicaAllowance);
        Assert.Equal(ConnectionBudgetSource.Configured, budget.Source);
    }

    [Fact]
    public void AnUnknownServerLimitGivesNoAllowanceAndIsNeverExceeded()
    {
        var budget = ConnectionBudget.FromServer(null, 1.0 / 3, 1, ConnectionBudgetSource.Server);

        Assert.Null(budget.PerReplicaAllowance);
        Assert.Equal(ConnectionBudgetSource.Unknown, budget.Source);
        Assert.False(budget.IsExceededBy(1000));
    }

    [Theory]
    [InlineData(20, false)]
    [InlineData(21, true)]
    public void APoolIsOverBudgetOnlyAboveTheAllowance(int maxPoolSize, bool exceeded) =>
        Assert.Equal(exceeded, ConnectionBudget.FromServer(60, 1.0 / 3, 1, ConnectionBudgetSource.Configured).IsExceededBy(maxPoolSize));

    [Theory]
    [InlineData(60, 1, 20, "20 of 60 server connections", "1 replica)")]
    [InlineData(60, 3, 20, "60 of 60 server connections", "3 replicas)")]
    [InlineData(90, 1, 10, "10 of 90 server connections", "1 replica)")]
    public void DescribeCountsEveryReplicasPoolAgainstTheServer(int max, int replicas, int maxPoolSize, string count, string replicaWords)
    {
        var description = ConnectionBudget.FromServer(max, 1.0 / 3, replicas, ConnectionBudgetSource.Configured).Describe(maxPoolSize);

        Assert.Contains(count, description);
        Assert.EndsWith(replicaWords, description);
    }

    [Fact]
    public void DescribeCountsSessionPoolerClientsAgainstTheCap() =>
        Assert.Equal("15 of 15 session-pooler clients (3 replicas)", ConnectionBudget.FromSessionPoolerCap(15, 3).Describe(5));

    [Fact]
    public void DescribeSaysWhenTheServerLimitIsUnknown() =>
        Assert.Equal("20 connections; server limit unknown (1 replica)", ConnectionBudget.FromServer(null, 0.4, 1, ConnectionBudgetSource.Server).Describe(20));

    [Fact]
    public void ADirectPoolOfTwentyFitsAThirdOfSixtyConnections()
    {
        var plan = Plan(SupabaseConnections.Direct, new ConnectionPoolOptions { ServerMaxConnections = 60 });

        Assert.NotNull(plan.Budget);
        Assert.Equal(20, plan.Budget.PerReplicaAllowance);
        Assert.Equal(60, plan.Budget.ServerMaxConnections);
        Assert.Equal(1.0 / 3, plan.Budget.Fraction, 6);
        Assert.Equal(ConnectionBudgetSource.Configured, plan.Budget.Source);
        Assert.False(plan.OverBudget);
        Assert.True(plan.Safe);
        Assert.Empty(plan.Warnings);
        Assert.Contains("20 of 60 server connections", plan.Budget.Describe(plan.MaxPoolSize));
    }

    [Fact]
    public void ThreeReplicasOfTwentyOverAThirdOfSixtyAreWarnedAboutButNotRefused()
    {
        var plan = Plan(SupabaseConnections.Direct, new ConnectionPoolOptions { ServerMaxConnections = 60, Replicas = 3 });

        Assert.Empty(plan.Errors);
        Assert.True(plan.OverBudget);
        Assert.False(plan.Safe);
        var warning = Assert.Single(plan.Warnings);
        Assert.Contains("Maximum Pool Size 20 × 3 replicas = 60 exceeds the budget of 18", warning);
        Assert.Contains("of 60 server connections", warning);
        Assert.Contains("lower ConnectionPool:MaxPoolSize to 6", warning);
        Assert.Contains("ConnectionPool:BudgetFraction", warning);
    }

    [Fact]
    public void StrictTurnsTheBudgetOverrunIntoARefusal()
    {
        var plan = Plan(SupabaseConnections.Direct, new ConnectionPoolOptions { ServerMaxConnections = 60, Replicas = 3, Strict = true });

        Assert.Empty(plan.Warnings);
        var error = Assert.Single(plan.Errors);
        Assert.Contains("Maximum Pool Size 20 × 3 replicas = 60", error);
        Assert.Contains("60 server connections", error);
        Assert.EndsWith("(ConnectionPool:Strict is true.)", error);
        Assert.False(plan.Safe);
    }

    [Theory]
    [InlineData(SupabaseConnections.TransactionPooler, 1, 24, false)]
    [InlineData(SupabaseConnections.TransactionPooler, 3, 8, true)]
    [InlineData(SupabaseConnections.DedicatedPgBouncer, 2, 12, false)]
    public void PoolersGetFortyPercentOfTheServerByDefault(string connectionString, int replicas, int allowance, bool overBudget)
    {
        var plan = Plan(connectionString, new ConnectionPoolOptions { ServerMaxConnections = 60, Replicas = replicas });

        Assert.Equal(0.4, plan.Budget!.Fraction);
        Assert.Equal(allowance, plan.Budget.PerReplicaAllowance);
        Assert.Equal(overBudget, plan.OverBudget);
    }

    [Theory]
    [InlineData(SupabaseConnections.Direct, 0.5, 30)]
    [InlineData(SupabaseConnections.TransactionPooler, 0.25, 15)]
    public void BudgetFractionOverridesTheModesShare(string connectionString, double fraction, int allowance)
    {
        var plan = Plan(connectionString, new ConnectionPoolOptions { ServerMaxConnections = 60, BudgetFraction = fraction });

        Assert.Equal(fraction, plan.Budget!.Fraction);
        Assert.Equal(allowance, plan.Budget.PerReplicaAllowance);
    }

    [Theory]
    // configured, read from the server => used, source
    [InlineData(null, 90, 90, ConnectionBudgetSource.Server)]
    [InlineData(60, 90, 60, ConnectionBudgetSource.Configured)]
    [InlineData(60, null, 60, ConnectionBudgetSource.Configured)]
    public void TheConfiguredServerLimitWinsOverTheOneReadFromTheServer(int? configured, int? read, int used, ConnectionBudgetSource source)
    {
        var plan = ConnectionPlanner.Plan(
            SupabaseConnections.Direct, SupabaseConnections.Source, new ConnectionPoolOptions { ServerMaxConnections = configured }, read);

        Assert.Equal(used, plan.Budget!.ServerMaxConnections);
        Assert.Equal(source, plan.Budget.Source);
        Assert.Equal(used / 3, plan.Budget.PerReplicaAllowance);
    }

    [Fact]
    public void AnUnknownServerLimitIsAWarningNamingTheSettingToConfigure()
    {
        var plan = Plan(SupabaseConnections.Direct, new ConnectionPoolOptions());

        Assert.Equal(ConnectionBudgetSource.Unknown, plan.Budget!.Source);
        Assert.Null(plan.Budget.PerReplicaAllowance);
        var warning = Assert.Single(plan.Warnings);
        Assert.Contains("max_connections is unknown", warning);
        Assert.Contains("ConnectionPool:ServerMaxConnections", warning);
        Assert.Empty(plan.Errors);
        Assert.True(plan.Safe);
    }

    [Fact]
    public void BehindTheSessionPoolerTheBudgetIsItsClientCapNotTheServer()
    {
        var plan = Plan(SupabaseConnections.SessionPooler, new ConnectionPoolOptions { Replicas = 3 });

        Assert.Equal(ConnectionBudgetSource.SessionPoolerCap, plan.Budget!.Source);
        Assert.Equal(15, plan.Budget.ClientCap);
        Assert.Equal(5, plan.Budget.PerReplicaAllowance);
        Assert.Empty(plan.Warnings);
        Assert.True(plan.Safe);
    }

    private static ConnectionPlan Plan(string connectionString, ConnectionPoolOptions options) =>
        ConnectionPlanner.Plan(connectionString, SupabaseConnections.Source, options);
}
