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
    public void OneReplicaAndItsSurgeReplicaShareAThirdOfSixtyConnections()
    {
        var plan = Plan(SupabaseConnections.Direct, TestPlans.Options(("ServerMaxConnections", 60)));

        Assert.NotNull(plan.Budget);
        Assert.Equal(10, plan.Budget.PerReplicaAllowance);
        Assert.Equal(20, plan.Budget.Total);
        Assert.Equal(60, plan.Budget.ServerMaxConnections);
        Assert.Equal(1.0 / 3, plan.Budget.Fraction, 6);
        Assert.Equal(ConnectionBudgetSource.Configured, plan.Budget.Source);
        Assert.Equal((10, PoolSizeSource.Budget), (plan.MaxPoolSize, plan.MaxPoolSizeChosenBy));
        Assert.True(plan.Safe);
        Assert.Empty(plan.Warnings);
        Assert.Contains("20 of 60 server connections", plan.Budget.Describe(plan.MaxPoolSize));
    }

    [Theory]
    // replicas, max replicas, surge replicas => each replica's pool
    [InlineData(1, null, 0, 20)]
    [InlineData(3, null, 1, 5)]
    [InlineData(3, 4, 1, 4)]
    [InlineData(1, 4, 1, 4)]
    [InlineData(2, null, 2, 5)]
    public void WithoutAWrittenSizeTheBudgetSizesEachPoolForEveryReplicaThatMayRun(int replicas, int? maxReplicas, int surge, int maxPoolSize)
    {
        var plan = Plan(SupabaseConnections.Direct, TestPlans.Options(("ServerMaxConnections", 60), ("Replicas", replicas), ("MaxReplicas", maxReplicas), ("SurgeReplicas", surge)));

        Assert.Equal(maxPoolSize, plan.MaxPoolSize);
        Assert.True(plan.MaxPoolSize * ((maxReplicas ?? replicas) + surge) <= 20);
        Assert.True(plan.Safe);
        Assert.Empty(plan.Warnings);
    }

    [Fact]
    public void FourReplicasAtMostAndOneSurgeKeepEveryPoolWithinTwentyOrAreRefusedUnderStrict()
    {
        var sized = Plan(SupabaseConnections.Local, TestPlans.Options(("ServerMaxConnections", 60), ("MaxReplicas", 4)));
        var written = Plan(SupabaseConnections.Local, TestPlans.Options(("ServerMaxConnections", 60), ("MaxReplicas", 4), ("MaxPoolSize", 20), ("Strict", true)));

        Assert.True(sized.MaxPoolSize * 5 <= 20);
        Assert.True(sized.Safe);
        var error = Assert.Single(written.Errors);
        Assert.Contains("Maximum Pool Size 20 × 5 replicas (MaxReplicas + SurgeReplicas) = 100 exceeds the budget of 20", error);
        Assert.Contains("lower ConnectionPool:MaxPoolSize to 4", error);
    }

    [Fact]
    public void AShareBelowWhatAReplicaNeedsIsUsedAndWarnedAbout()
    {
        var plan = Plan(SupabaseConnections.Direct, TestPlans.Options(("ServerMaxConnections", 60), ("MaxReplicas", 9)));

        Assert.Equal(2, plan.MaxPoolSize);
        var warning = Assert.Single(plan.Warnings);
        Assert.Contains("leaves each replica 2 connections", warning);
        Assert.Contains("ConnectionPool:MaxReplicas", warning);
        Assert.True(plan.Safe);
    }

    [Fact]
    public void AWrittenSizeOverTheBudgetIsWarnedAboutButNotRefused()
    {
        var plan = Plan(SupabaseConnections.Direct, TestPlans.Options(("ServerMaxConnections", 60), ("Replicas", 3), ("MaxPoolSize", 20)));

        Assert.Empty(plan.Errors);
        Assert.True(plan.OverBudget);
        Assert.False(plan.Safe);
        var warning = Assert.Single(plan.Warnings);
        Assert.Contains("Maximum Pool Size 20 × 4 replicas (MaxReplicas + SurgeReplicas) = 80 exceeds the budget of 20", warning);
        Assert.Contains("of 60 server connections", warning);
        Assert.Contains("lower ConnectionPool:MaxPoolSize to 5", warning);
        Assert.Contains("ConnectionPool:BudgetFraction", warning);
    }

    [Fact]
    public void StrictTurnsTheBudgetOverrunIntoARefusal()
    {
        var plan = Plan(SupabaseConnections.Direct + ";Maximum Pool Size=20", TestPlans.Options(("ServerMaxConnections", 60), ("Replicas", 3), ("Strict", true)));

        Assert.Empty(plan.Warnings);
        var error = Assert.Single(plan.Errors);
        Assert.Contains("Maximum Pool Size 20 × 4 replicas", error);
        Assert.Contains("60 server connections", error);
        Assert.EndsWith("(ConnectionPool:Strict is true.)", error);
        Assert.False(plan.Safe);
    }

    [Theory]
    // replicas => allowance (40% of 60 over replicas + 1 surge), each pool (at most the transaction pooler's 10)
    [InlineData(SupabaseConnections.TransactionPooler, 1, 12, 10)]
    [InlineData(SupabaseConnections.TransactionPooler, 3, 6, 6)]
    [InlineData(SupabaseConnections.DedicatedPgBouncer, 2, 8, 8)]
    public void PoolersGetFortyPercentOfTheServerByDefault(string connectionString, int replicas, int allowance, int maxPoolSize)
    {
        var plan = Plan(connectionString, TestPlans.Options(("ServerMaxConnections", 60), ("Replicas", replicas)));

        Assert.Equal(0.4, plan.Budget!.Fraction);
        Assert.Equal(allowance, plan.Budget.PerReplicaAllowance);
        Assert.Equal(maxPoolSize, plan.MaxPoolSize);
        Assert.False(plan.OverBudget);
    }

    [Theory]
    [InlineData(SupabaseConnections.Direct, 0.5, 15)]
    [InlineData(SupabaseConnections.TransactionPooler, 0.25, 7)]
    public void BudgetFractionOverridesTheModesShare(string connectionString, double fraction, int allowance)
    {
        var plan = Plan(connectionString, TestPlans.Options(("ServerMaxConnections", 60), ("BudgetFraction", fraction)));

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
        var plan = TestPlans.Plan(SupabaseConnections.Direct, TestPlans.Options(("ServerMaxConnections", configured), ("SurgeReplicas", 0)), read);

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
        var plan = Plan(SupabaseConnections.SessionPooler, TestPlans.Options(("Replicas", 3)));

        Assert.Equal(ConnectionBudgetSource.SessionPoolerCap, plan.Budget!.Source);
        Assert.Equal(15, plan.Budget.ClientCap);
        Assert.Equal(5, plan.Budget.PerReplicaAllowance);
        Assert.Empty(plan.Warnings);
        Assert.True(plan.Safe);
    }

    private static ConnectionPlan Plan(string connectionString, ConnectionPoolOptions options) =>
        ConnectionPlanner.Plan(connectionString, SupabaseConnections.Source, options);
}
