using Listings.Api.Data;
using Listings.ServiceDefaults.ConnectionPool;
using Microsoft.Extensions.Configuration;

namespace Listings.Tests.Unit.Listings.Api.Data;

public sealed class MigrationConnectionTests
{
    private const string Supavisor6543 = "Host=aws-0-eu-west-1.pooler.supabase.com;Port=6543;Username=postgres.abcdefghijklmnop;Password=secret;Database=postgres";
    private const string Direct = "Host=db.abcdefghijklmnop.supabase.co;Port=5432;Username=postgres;Password=secret;Database=postgres";

    [Theory]
    [InlineData(Direct, null, null, "direct")]
    [InlineData(Supavisor6543, Direct, null, "direct")]
    [InlineData("Host=127.0.0.1;Port=6432;Username=postgres;Password=secret", Direct, "transaction-pooler", "direct")]
    public void MigrationsUseTheirOwnConnectionWhenSetElseTheServiceConnection(string service, string? migrations, string? mode, string expected)
    {
        var plan = MigrationConnection.Plan(Configuration(service, migrations, mode));

        Assert.Equal(expected, plan.Mode?.ToName());
        Assert.Equal(migrations is null ? "ConnectionStrings:listingsdb" : "ConnectionStrings:listingsdb-migrations", plan.Source);
    }

    [Theory]
    [InlineData(Supavisor6543, null, null)]
    [InlineData("Host=127.0.0.1;Port=6432;Username=postgres;Password=secret", null, "transaction-pooler")]
    [InlineData(Direct, Supavisor6543, null)]
    public void MigrationsRefuseATransactionPoolerAndSayWhichConnectionToGive(string service, string? migrations, string? mode)
    {
        var error = Assert.Throws<ConnectionPlanException>(() => MigrationConnection.Plan(Configuration(service, migrations, mode)));

        Assert.Contains("refuse to run through a transaction pooler", error.Message);
        Assert.Contains("ConnectionStrings:listingsdb-migrations", error.Message);
        Assert.DoesNotContain("secret", error.Message);
    }

    private static IConfiguration Configuration(string service, string? migrations, string? mode) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:listingsdb"] = service,
            ["ConnectionStrings:listingsdb-migrations"] = migrations,
            ["ConnectionPool:Mode"] = mode,
        }).Build();
}
