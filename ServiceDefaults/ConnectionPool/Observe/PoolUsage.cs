using System.Collections.Concurrent;
using System.Diagnostics;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// Live counts of the service's connections, kept by <see cref="PoolUsageInterceptor"/>. Npgsql's meter has no wait or
/// use times, and nothing the service can read back, so the service counts for itself.
/// </summary>
public sealed class PoolUsage(int maxPoolSize)
{
    private long _inUse;
    private long _opening;
    private long _opened;
    private long _heldTicks;
    private long _timeouts;
    private long _failures;
    private long _lastFailureAt;
    private long _longHolds;
    private readonly ConcurrentDictionary<ConnectionHold, byte> _holds = new(ReferenceEqualityComparer.Instance);

    /// <summary>The pool's <c>Maximum Pool Size</c>.</summary>
    public int MaxPoolSize { get; } = maxPoolSize;

    /// <summary>Connections taken from the pool and not yet returned.</summary>
    public int InUse => (int)Interlocked.Read(ref _inUse);

    /// <summary>How long connections were held.</summary>
    public HoldTimeHistogram HoldTimes { get; } = new();

    /// <summary>Callers waiting for a connection (in the pool's queue or connecting).</summary>
    public int Waiting => (int)Interlocked.Read(ref _opening);

    /// <summary>Connections opened since start.</summary>
    public long TotalOpened => Interlocked.Read(ref _opened);

    /// <summary>Time connections were held since start.</summary>
    public TimeSpan TotalHeld => TimeSpan.FromTicks(Interlocked.Read(ref _heldTicks));

    /// <summary>How an attempt to open a connection ended.</summary>
    public enum OpenOutcome
    {
        /// <summary>The connection was opened.</summary>
        Opened,

        /// <summary>The wait outlived <c>Timeout</c>.</summary>
        TimedOut,

        /// <summary>The connect failed.</summary>
        Failed,
    }

    /// <summary>Opens that timed out.</summary>
    public long Timeouts => Interlocked.Read(ref _timeouts);

    /// <summary>Opens that failed outright.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>The time since an open last failed outright, or null.</summary>
    public TimeSpan? SinceLastFailure
    {
        get
        {
            var at = Interlocked.Read(ref _lastFailureAt);
            return at == 0 ? null : Stopwatch.GetElapsedTime(at);
        }
    }

    /// <summary>Connections held longer than <c>ConnectionPool:LongHoldWarningMs</c> since start.</summary>
    public long LongHolds => Interlocked.Read(ref _longHolds);

    /// <summary>The longest holds held now, at most <paramref name="count"/>.</summary>
    public IReadOnlyList<ConnectionHold> LongestHolds(int count, TimeSpan atLeast) =>
        [.. _holds.Keys.Where(hold => hold.Held >= atLeast).OrderByDescending(hold => hold.Held).Take(count)];

    internal ICollection<ConnectionHold> Holds => _holds.Keys;

    internal void LongHoldFound() => Interlocked.Increment(ref _longHolds);

    internal void Holding(ConnectionHold hold) => _holds.TryAdd(hold, 0);

    /// <summary>True when every connection is in use and callers wait.</summary>
    public bool Saturated => InUse >= MaxPoolSize && Waiting > 0;

    internal long OpeningStarted()
    {
        Interlocked.Increment(ref _opening);
        return Stopwatch.GetTimestamp();
    }

    internal TimeSpan OpeningEnded(long startedAt, OpenOutcome outcome)
    {
        Interlocked.Decrement(ref _opening);
        switch (outcome)
        {
            case OpenOutcome.Opened:
                Interlocked.Increment(ref _inUse);
                Interlocked.Increment(ref _opened);
                break;
            case OpenOutcome.TimedOut:
                Interlocked.Increment(ref _timeouts);
                break;
            default:
                Interlocked.Increment(ref _failures);
                Interlocked.Exchange(ref _lastFailureAt, Stopwatch.GetTimestamp());
                break;
        }

        return Stopwatch.GetElapsedTime(startedAt);
    }

    internal void Released(TimeSpan held, ConnectionHold? hold = null)
    {
        if (hold is not null)
        {
            _holds.TryRemove(hold, out _);
        }

        Interlocked.Decrement(ref _inUse);
        Interlocked.Add(ref _heldTicks, held.Ticks);
        HoldTimes.Record(held);
    }
}
