using Listings.ServiceDefaults.ConnectionPool;
using Listings.Tests.Infrastructure;
using NpgsqlTypes;

namespace Listings.Tests.Unit.ConnectionPool.Replicas;

/// <summary>
/// A replica's lag is the age of the newest reading whose received position it has replayed: the bound on how old its
/// reads are, measured without asking the primary.
/// </summary>
public sealed class ReplicaStateTests
{
    private readonly FixedClock _clock = new(DateTimeOffset.UnixEpoch);

    [Fact]
    public void AReplicaNotReadYetHasNoLagAndIsDown()
    {
        var state = new ReplicaState(_clock, TimeSpan.FromSeconds(10));

        Assert.Null(state.Latest.Lag(_clock, _clock.GetTimestamp()));
        Assert.NotNull(state.Latest.Down);
    }

    [Fact]
    public void AReplicaThatReplayedAllItReceivedLagsOnlyByTheTimeSinceTheReading()
    {
        var state = new ReplicaState(_clock, TimeSpan.FromSeconds(10));
        state.Read(_clock.GetTimestamp(), Lsn(100), Lsn(100), streaming: true);
        _clock.Advance(TimeSpan.FromMilliseconds(80));

        Assert.Equal(TimeSpan.FromMilliseconds(80), state.Latest.Lag(_clock, _clock.GetTimestamp()));
        Assert.Null(state.Latest.Down);
    }

    [Fact]
    public void WhileReplayStandsStillTheLagCountsFromTheLastPositionItReplayed()
    {
        var state = new ReplicaState(_clock, TimeSpan.FromSeconds(10));
        state.Read(_clock.GetTimestamp(), Lsn(100), Lsn(100), streaming: true);

        // Replay paused at 100 while the primary streams on.
        for (var received = 200UL; received <= 600; received += 100)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(100));
            state.Read(_clock.GetTimestamp(), Lsn(received), Lsn(100), streaming: true);
        }

        Assert.Equal(TimeSpan.FromMilliseconds(500), state.Latest.Lag(_clock, _clock.GetTimestamp()));

        // Replay catches up to what it had received at 400 ms, two readings before this one at 600 ms.
        _clock.Advance(TimeSpan.FromMilliseconds(100));
        state.Read(_clock.GetTimestamp(), Lsn(700), Lsn(500), streaming: true);
        Assert.Equal(TimeSpan.FromMilliseconds(200), state.Latest.Lag(_clock, _clock.GetTimestamp()));
    }

    [Fact]
    public void AReplicaThatStopsStreamingAgesFromItsLastStreamingReading()
    {
        var state = new ReplicaState(_clock, TimeSpan.FromSeconds(10));
        state.Read(_clock.GetTimestamp(), Lsn(100), Lsn(100), streaming: true);

        // Cut off from the primary: it has replayed all it received, but receives nothing new.
        for (var i = 0; i < 20; i++)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(100));
            state.Read(_clock.GetTimestamp(), Lsn(100), Lsn(100), streaming: false);
        }

        Assert.Equal(TimeSpan.FromSeconds(2), state.Latest.Lag(_clock, _clock.GetTimestamp()));
        Assert.False(state.Latest.Streaming);
    }

    [Fact]
    public void AReplicaFirstReadBehindWhatItReceivedHasNoKnownLagUntilItCatchesUp()
    {
        var state = new ReplicaState(_clock, TimeSpan.FromSeconds(10));
        state.Read(_clock.GetTimestamp(), Lsn(500), Lsn(100), streaming: true);

        Assert.Null(state.Latest.Lag(_clock, _clock.GetTimestamp()));
    }

    [Fact]
    public void AFailedReadingTakesItDownUntilTheNextReadingSucceeds()
    {
        var state = new ReplicaState(_clock, TimeSpan.FromSeconds(10));
        state.Read(_clock.GetTimestamp(), Lsn(100), Lsn(100), streaming: true);

        state.Failed("refused");
        Assert.Equal("refused", state.Latest.Down);
        Assert.True(state.Latest.HasReplayed(100));

        state.Read(_clock.GetTimestamp(), Lsn(100), Lsn(100), streaming: true);
        Assert.Null(state.Latest.Down);
    }

    private static NpgsqlLogSequenceNumber Lsn(ulong value) => new(value);
}
