using NpgsqlTypes;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// The read replicas and the choice among them: round robin over those that can be reached, lag at most
/// <c>ReadReplicas:MaxLagSeconds</c>, and have replayed the read's token, if it has one.
/// </summary>
/// <param name="all">The read hosts, in the connection string's order.</param>
/// <param name="primary">The primary's plan, whose host the reads sent there are counted under.</param>
/// <param name="options">The <c>ReadReplicas</c> settings.</param>
/// <param name="clock">The clock the lag is measured with.</param>
public sealed class ReadHosts(IReadOnlyList<ReadHost> all, ConnectionPlan primary, ReadReplicaOptions options, TimeProvider clock) : IAsyncDisposable
{
    private readonly KeyValuePair<string, object?>[] _primaryTags = ReplicaMetrics.HostTags(primary);
    private readonly ReadHost[] _all = [.. all];
    private readonly TimeSpan _maxLag = TimeSpan.FromSeconds(options.MaxLagSeconds);
    private readonly TimeSpan _catchUp = TimeSpan.FromMilliseconds(options.CatchUpMilliseconds);
    private readonly long[] _fallbacks = new long[Enum.GetValues<ReadFallback>().Length];
    private int _next;

    /// <summary>Every read host, in the connection string's order.</summary>
    public IReadOnlyList<ReadHost> All => _all;

    /// <summary>The most a replica may lag and stay in the rotation.</summary>
    public TimeSpan MaxLag => _maxLag;

    /// <summary>Reads sent to the primary since the service started, by why.</summary>
    public IReadOnlyDictionary<ReadFallback, long> PrimaryReads =>
        Enum.GetValues<ReadFallback>().Where(reason => reason != ReadFallback.None).ToDictionary(reason => reason, reason => Interlocked.Read(ref _fallbacks[(int)reason]));

    /// <summary>Counts a read sent to the primary, in <see cref="PrimaryReads"/> and in the metrics.</summary>
    internal void FellBack(ReadFallback reason)
    {
        Interlocked.Increment(ref _fallbacks[(int)reason]);
        ReplicaMetrics.FellBack(reason, _primaryTags);
    }

    /// <summary>
    /// The replica to read from, or null and why not. With <paramref name="after"/>, only a replica that has replayed it;
    /// when none has, waits up to <c>ReadReplicas:CatchUpMilliseconds</c> for one, reading the replicas again meanwhile.
    /// </summary>
    public async ValueTask<(ReadHost? Host, ReadFallback Reason)> ChooseAsync(NpgsqlLogSequenceNumber? after, CancellationToken cancellationToken)
    {
        var choice = Choose(after);
        if (choice.Host is not null || choice.Reason != ReadFallback.NotReplayed || _catchUp <= TimeSpan.Zero)
        {
            return choice;
        }

        var started = clock.GetTimestamp();
        while (clock.GetElapsedTime(started) is var waited && waited < _catchUp)
        {
            try
            {
                await Task.WhenAll(_all.Where(host => host.State.Latest.Down is null).Select(host => host.NextReadingAsync())).WaitAsync(_catchUp - waited, clock, cancellationToken);
            }
            catch (TimeoutException)
            {
            }

            choice = Choose(after);
            if (choice.Host is not null || choice.Reason != ReadFallback.NotReplayed)
            {
                return choice;
            }
        }

        return choice;
    }

    /// <summary>The replica to read from now, without waiting, or null and why not.</summary>
    public (ReadHost? Host, ReadFallback Reason) Choose(NpgsqlLogSequenceNumber? after)
    {
        var now = clock.GetTimestamp();
        var start = (uint)Interlocked.Increment(ref _next);
        var reason = ReadFallback.Down;
        for (var i = 0; i < _all.Length; i++)
        {
            var host = _all[(int)((start + (uint)i) % (uint)_all.Length)];
            var state = host.State.Latest;
            if (state.Down is not null)
            {
                continue;
            }

            if (state.Lag(clock, now) is not { } lag || lag > _maxLag)
            {
                reason = reason == ReadFallback.NotReplayed ? reason : ReadFallback.Lagging;
                continue;
            }

            if (after is { } position && !state.HasReplayed((ulong)position))
            {
                reason = ReadFallback.NotReplayed;
                continue;
            }

            return (host, ReadFallback.None);
        }

        return (null, reason);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var host in _all)
        {
            await host.DisposeAsync();
        }
    }
}
