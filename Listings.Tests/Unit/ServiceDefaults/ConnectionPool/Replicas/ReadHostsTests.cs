using Listings.ServiceDefaults.ConnectionPool;
using Listings.Tests.Infrastructure;
using Npgsql;
using NpgsqlTypes;

namespace Listings.Tests.Unit.ConnectionPool.Replicas;

/// <summary>The choice of a read's host: round robin over the replicas that are up, lag at most the bound, and have replayed the read's token.</summary>
public sealed class ReadHostsTests : IAsyncLifetime
{
    private readonly FixedClock _clock = new(DateTimeOffset.UnixEpoch);
    private readonly ReadReplicaOptions _options = new() { MaxLagSeconds = 1, CatchUpMilliseconds = 0 };
    private ReadHosts _hosts = null!;

    public Task InitializeAsync()
    {
        _hosts = new ReadHosts([Host(5433), Host(5434)], new ConnectionPlan { Host = "127.0.0.1", Port = 5432 }, _options, _clock);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _hosts.DisposeAsync();

    [Fact]
    public void ReadsAlternateBetweenReplicasThatServe()
    {
        ReadAll(received: 100, replayed: 100);

        var chosen = Enumerable.Range(0, 4).Select(_ => _hosts.Choose(null).Host!.Name).ToList();

        Assert.Equal(2, chosen.Distinct().Count());
        Assert.NotEqual(chosen[0], chosen[1]);
    }

    [Fact]
    public void AReplicaDownOrLaggingIsSkipped()
    {
        ReadAll(received: 100, replayed: 100);
        _hosts.All[0].State.Failed("refused");

        Assert.All(Enumerable.Range(0, 4), _ => Assert.Same(_hosts.All[1], _hosts.Choose(null).Host));

        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal((null, ReadFallback.Lagging), _hosts.Choose(null));
    }

    [Fact]
    public void EveryReplicaDownSendsTheReadToThePrimaryAsDown()
    {
        ReadAll(received: 100, replayed: 100);
        foreach (var host in _hosts.All)
        {
            host.State.Failed("refused");
        }

        Assert.Equal((null, ReadFallback.Down), _hosts.Choose(null));
    }

    [Fact]
    public void AReadWithATokenGoesOnlyWhereTheTokenIsReplayed()
    {
        ReadAll(received: 300, replayed: 100);
        _hosts.All[1].State.Read(_clock.GetTimestamp(), new NpgsqlLogSequenceNumber(300), new NpgsqlLogSequenceNumber(300), streaming: true);

        Assert.All(Enumerable.Range(0, 4), _ => Assert.Same(_hosts.All[1], _hosts.Choose(new NpgsqlLogSequenceNumber(250)).Host));
        Assert.Equal((null, ReadFallback.NotReplayed), _hosts.Choose(new NpgsqlLogSequenceNumber(301)));
    }

    private void ReadAll(ulong received, ulong replayed)
    {
        foreach (var host in _hosts.All)
        {
            host.State.Read(_clock.GetTimestamp(), new NpgsqlLogSequenceNumber(replayed), new NpgsqlLogSequenceNumber(replayed), streaming: true);
            host.State.Read(_clock.GetTimestamp(), new NpgsqlLogSequenceNumber(received), new NpgsqlLogSequenceNumber(replayed), streaming: true);
        }
    }

    private ReadHost Host(int port) => new(
        new ConnectionPlan { Role = ConnectionRole.ReadReplica, Host = "127.0.0.1", Port = port, MaxPoolSize = 4 },
        NpgsqlDataSource.Create($"Host=127.0.0.1;Port={port}"), new PoolUsage(4), new LoginBackoff(new LoginBackoffOptions(), _clock),
        new ReplicaState(_clock, TimeSpan.FromSeconds(10)));
}
