using Listings.ServiceDefaults.ConnectionPool;
using Microsoft.Extensions.Configuration;

namespace Listings.Tests.Unit.ConnectionPool;

public sealed class ConnectionPoolOptionsValidatorTests
{
    [Theory]
    // key, configured value => the message
    [InlineData("Mode", "pgbouncer", "ConnectionPool:Mode is 'pgbouncer': use direct, session-pooler, transaction-pooler or dedicated-pooler, or leave it unset to detect the mode.")]
    [InlineData("PreferredMode", "transaction-pooler", "ConnectionPool:PreferredMode is 'transaction-pooler': use keep, session-pooler or direct.")]
    [InlineData("PreferredMode", "fastest", "ConnectionPool:PreferredMode is 'fastest': use keep, session-pooler or direct.")]
    [InlineData("MaxPoolSize", "0", "ConnectionPool:MaxPoolSize is 0: use a whole number from 1 to 1024.")]
    [InlineData("MaxPoolSize", "2000", "ConnectionPool:MaxPoolSize is 2000: use a whole number from 1 to 1024.")]
    [InlineData("MinPoolSize", "-1", "ConnectionPool:MinPoolSize is -1: use a whole number from 0 to 1024.")]
    [InlineData("TimeoutSeconds", "2000", "ConnectionPool:TimeoutSeconds is 2000: use a whole number from 1 to 1024.")]
    [InlineData("TimeoutSeconds", "0", "ConnectionPool:TimeoutSeconds is 0: use a whole number from 1 to 1024.")]
    [InlineData("ConnectTimeoutSeconds", "0", "ConnectionPool:ConnectTimeoutSeconds is 0: use a whole number from 1 to 1024.")]
    [InlineData("LoginBackoffSeconds", "0", "ConnectionPool:LoginBackoffSeconds is 0: use a whole number from 1 to 3600.")]
    [InlineData("LoginBackoffMaxSeconds", "2", "ConnectionPool:LoginBackoffMaxSeconds (2) is below ConnectionPool:LoginBackoffSeconds (5): raise it.")]
    [InlineData("PreferredMode", "dedicated-pooler", "ConnectionPool:PreferredMode is 'dedicated-pooler': use keep, session-pooler or direct.")]
    [InlineData("ConnectionIdleLifetimeSeconds", "0", "ConnectionPool:ConnectionIdleLifetimeSeconds is 0: use a whole number from 1 to 86400.")]
    [InlineData("ConnectionLifetimeSeconds", "-1", "ConnectionPool:ConnectionLifetimeSeconds is -1: use a whole number from 0 to 86400.")]
    [InlineData("KeepAliveSeconds", "4000", "ConnectionPool:KeepAliveSeconds is 4000: use a whole number from 0 to 3600.")]
    [InlineData("MaxAutoPrepare", "300", "ConnectionPool:MaxAutoPrepare is 300: use a whole number from 0 to 256.")]
    [InlineData("SessionPoolerClientCap", "0", "ConnectionPool:SessionPoolerClientCap is 0: use a whole number from 1 to 10000.")]
    [InlineData("ServerMaxConnections", "0", "ConnectionPool:ServerMaxConnections is 0: use a whole number from 1 to 262143.")]
    [InlineData("Replicas", "0", "ConnectionPool:Replicas is 0: use a whole number from 1 to 1000.")]
    [InlineData("BudgetFraction", "1.5", "ConnectionPool:BudgetFraction is 1.5: use a share above 0 and at most 1, e.g. 0.33 (a third) or 0.4.")]
    [InlineData("BudgetFraction", "0", "ConnectionPool:BudgetFraction is 0: use a share above 0 and at most 1, e.g. 0.33 (a third) or 0.4.")]
    [InlineData("BudgetFraction", "NaN", "ConnectionPool:BudgetFraction is NaN: use a share above 0 and at most 1, e.g. 0.33 (a third) or 0.4.")]
    public void EachBadSettingIsNamedByItsConfigurationKeyWithWhatWouldBeRight(string key, string value, string expected)
    {
        var options = Bind(key, value);

        Assert.Equal([expected], ConnectionPoolOptionsValidator.Check(options));
    }

    [Theory]
    [InlineData("Mode", "Session-Pooler")]
    [InlineData("Mode", " direct ")]
    [InlineData("Mode", "dedicated-pooler")]
    [InlineData("PreferredMode", "DIRECT")]
    [InlineData("PreferredMode", "Keep")]
    [InlineData("ConnectionLifetimeSeconds", "0")]
    [InlineData("KeepAliveSeconds", "0")]
    [InlineData("BudgetFraction", "1")]
    [InlineData("TimeoutSeconds", "1024")]
    public void ValidSettingsPassInAnyCase(string key, string value) =>
        Assert.Empty(ConnectionPoolOptionsValidator.Check(Bind(key, value)));

    [Fact]
    public void TheDefaultsAreValid() =>
        Assert.Empty(ConnectionPoolOptionsValidator.Check(new ConnectionPoolOptions()));

    [Fact]
    public void AMinimumAboveTheConfiguredMaximumIsRefused() =>
        Assert.Equal(
            ["ConnectionPool:MinPoolSize (5) is above ConnectionPool:MaxPoolSize (3): lower it."],
            ConnectionPoolOptionsValidator.Check(TestPlans.Options(("MinPoolSize", 5), ("MaxPoolSize", 3))));

    [Fact]
    public void EveryProblemIsReportedAtOnce()
    {
        var failures = ConnectionPoolOptionsValidator.Check(TestPlans.Options(("Mode", "x"), ("MaxPoolSize", 0), ("Replicas", 0)));

        Assert.Equal(3, failures.Count);
    }

    [Fact]
    public void ValidateFailsWithTheSameMessagesForValidateOnStart()
    {
        var result = new ConnectionPoolOptionsValidator().Validate(null, TestPlans.Options(("TimeoutSeconds", 2000)));

        Assert.True(result.Failed);
        Assert.Equal(["ConnectionPool:TimeoutSeconds is 2000: use a whole number from 1 to 1024."], result.Failures);
    }

    [Fact]
    public void ThePlannerRefusesBadOptionsWithTheValidatorsMessages()
    {
        var options = TestPlans.Options(("Mode", "pgbouncer"), ("BudgetFraction", 1.5));

        var plan = ConnectionPlanner.Plan(SupabaseConnections.Direct, SupabaseConnections.Source, options);

        Assert.Equal(ConnectionPoolOptionsValidator.Check(options), plan.Errors);
        Assert.Contains(plan.Errors, error => error.StartsWith("ConnectionPool:Mode is 'pgbouncer'", StringComparison.Ordinal));
        Assert.Contains(plan.Errors, error => error.StartsWith("ConnectionPool:BudgetFraction is 1.5", StringComparison.Ordinal));
        Assert.Null(plan.Mode);
        Assert.Null(plan.ConnectionString);
        Assert.False(plan.Safe);
    }

    [Fact]
    public void AnUnknownSettingIsRefusedByItsKey()
    {
        var refused = Assert.Throws<ConnectionPlanException>(() => Bind("MaxPoolSise", "10"));

        var reason = Assert.Single(refused.Reasons);
        Assert.StartsWith("ConnectionPool:MaxPoolSise is not a setting: check its spelling", reason);
    }

    [Fact]
    public void AValueOfTheWrongTypeIsRefusedByItsKey()
    {
        var refused = Assert.Throws<ConnectionPlanException>(() => Bind("MaxPoolSize", "ten"));

        var reason = Assert.Single(refused.Reasons);
        Assert.Contains("'ConnectionPool:MaxPoolSize'", reason);
        Assert.EndsWith("Write a number (or true/false) there, or remove the setting.", reason);
    }

    [Fact]
    public void EverySettingOfEveryPartIsBoundFromTheOneFlatSection()
    {
        var options = ConnectionPoolOptions.Bind(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionPool:MaxPoolSize"] = "7",
            ["ConnectionPool:Replicas"] = "3",
            ["ConnectionPool:LockTimeoutMs"] = "900",
            ["ConnectionPool:LoginBackoffSeconds"] = "2",
        }).Build());

        Assert.Equal((7, 3, 900, 2), (options.Pool.MaxPoolSize, options.Budget.Replicas, options.WorkLimits.LockTimeoutMs, options.Logins.LoginBackoffSeconds));
    }

    private static ConnectionPoolOptions Bind(string key, string value)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [$"{ConnectionPoolOptions.SectionName}:{key}"] = value })
            .Build();

        return ConnectionPoolOptions.Bind(configuration);
    }
}
