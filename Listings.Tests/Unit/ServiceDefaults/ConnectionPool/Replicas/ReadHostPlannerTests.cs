using Listings.ServiceDefaults.ConnectionPool;
using Npgsql;

namespace Listings.Tests.Unit.ConnectionPool.Replicas;

/// <summary>The read connection's hosts, each planned by the same policy as the primary, mode detected per host.</summary>
public sealed class ReadHostPlannerTests
{
    private const string Source = "ConnectionStrings:listingsdb-read";

    [Theory]
    [InlineData("Host=a:5433,b:5434;Username=u;Password=p;Database=d", "a", 5433, "b", 5434)]
    [InlineData("Host=a,b;Port=6000;Username=u;Password=p;Database=d", "a", 6000, "b", 6000)]
    [InlineData("Host=a:5433, b;Username=u;Password=p;Database=d", "a", 5433, "b", 5432)]
    public void EachHostOfAMultiHostStringGetsAConnectionStringOfItsOwn(string value, string firstHost, int firstPort, string secondHost, int secondPort)
    {
        Assert.True(ReadHostPlanner.TrySplit(value, Source, out var hosts, out var error), error);

        var (first, second) = (new NpgsqlConnectionStringBuilder(hosts[0]), new NpgsqlConnectionStringBuilder(hosts[1]));
        Assert.Equal((firstHost, firstPort, "u", "p", "d"), (first.Host, first.Port, first.Username, first.Password, first.Database));
        Assert.Equal((secondHost, secondPort), (second.Host, second.Port));
    }

    [Fact]
    public void NpgsqlsMultiHostKeywordsAreLeftToTheRouter()
    {
        Assert.True(ReadHostPlanner.TrySplit(
            "Host=a,b;Username=u;Password=p;Load Balance Hosts=true;Target Session Attributes=prefer-standby;Host Recheck Seconds=5", Source, out var hosts, out _));

        var host = new NpgsqlConnectionStringBuilder(hosts[0]);
        Assert.False(host.LoadBalanceHosts);
        Assert.Null(host.TargetSessionAttributes);
    }

    [Fact]
    public void APostgresUrlIsRead()
    {
        Assert.True(ReadHostPlanner.TrySplit("postgresql://u:p@replica.example.com:6543/d", Source, out var hosts, out _));

        Assert.Equal(("replica.example.com", 6543), (new NpgsqlConnectionStringBuilder(hosts[0]).Host, new NpgsqlConnectionStringBuilder(hosts[0]).Port));
    }

    [Theory]
    [InlineData("Host=a:notaport;Username=u", "port that is not a number")]
    [InlineData("Username=u;Password=p", "names no host")]
    public void AnUnreadableReadConnectionNamesTheSettingAndTheFix(string value, string expected)
    {
        Assert.False(ReadHostPlanner.TrySplit(value, Source, out _, out var error));

        Assert.Contains(Source, error);
        Assert.Contains(expected, error);
    }

    [Theory]
    [InlineData("Host=aws-0-eu-west-1.pooler.supabase.com;Port=6543;Username=postgres.abcdefghijklmnopqrst;Password=p;Database=postgres", ConnectionMode.TransactionPooler)]
    [InlineData("Host=aws-0-eu-west-1.pooler.supabase.com;Port=5432;Username=postgres.abcdefghijklmnopqrst;Password=p;Database=postgres", ConnectionMode.SessionPooler)]
    [InlineData("Host=127.0.0.1;Port=5433;Username=postgres;Password=p;Database=listings", ConnectionMode.Direct)]
    public void EachHostsModeIsDetectedFromItsOwnHostPortAndUser(string value, ConnectionMode expected)
    {
        Assert.True(ReadHostPlanner.TrySplit(value, Source, out var hosts, out _));

        var plan = ConnectionPlanner.Plan(hosts[0], Source, new ConnectionPoolOptions());

        Assert.Equal(expected, plan.Mode);
    }

    [Theory]
    [InlineData(0.01, 100, "ReadReplicas:MaxLagSeconds")]
    [InlineData(1, 5, "ReadReplicas:PollMilliseconds")]
    [InlineData(1, 600, "ReadReplicas:PollMilliseconds (600) is more than half of ReadReplicas:MaxLagSeconds")]
    public void ReadReplicaSettingsOutOfRangeNameTheKey(double maxLagSeconds, int pollMilliseconds, string expected)
    {
        var failures = ReadReplicaOptionsValidator.Check(new ReadReplicaOptions { MaxLagSeconds = maxLagSeconds, PollMilliseconds = pollMilliseconds });

        Assert.Contains(failures, failure => failure.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void TheDefaultReadReplicaSettingsAreValid() => Assert.Empty(ReadReplicaOptionsValidator.Check(new ReadReplicaOptions()));
}
