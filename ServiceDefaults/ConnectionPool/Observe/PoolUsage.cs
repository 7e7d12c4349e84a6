using System.Collections.Concurrent;
using System.Diagnostics;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// Live counts of the service's database connections, kept by <see cref="PoolUsageInterceptor"/>: how many are in
/// use, how many callers wait to open one, and running totals for Little's law. Npgsql publishes pool gauges on its
/// meter but no wait or use times, and nothing the service can read back, so the service counts for itself.
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

    /// <summary>Connections open right now (taken from the pool, not yet returned).</summary>
    public int InUse => (int)Interlocked.Read(ref _inUse);

    /// <summary>How long connections were held, counted in buckets: the short ones tell work from waiting.</summary>
    public HoldTimeHistogram HoldTimes { get; } = new();

    /// <summary>Callers waiting for a connection right now (in the pool's queue or connecting).</summary>
    public int Waiting => (int)Interlocked.Read(ref _opening);

    /// <summary>Connections opened since start.</summary>
    public long TotalOpened => Interlocked.Read(ref _opened);

    /// <summary>Total time connections were held since start, the sum of every use.</summary>
    public TimeSpan TotalHeld => TimeSpan.FromTicks(Interlocked.Read(ref _heldTicks));

    /// <summary>How an attempt to open a connection ended.</summary>
    public enum OpenOutcome
    {
        /// <summary>The connection was opened (taken from the pool or newly connected).</summary>
        Opened,

        /// <summary>The wait outlived the connection <c>Timeout</c>: the pool was exhausted or the connect hung.</summary>
        TimedOut,

        /// <summary>The connect failed: refused, reset, DNS, authentication or SSL.</summary>
        Failed,
    }

    /// <summary>Times a caller gave up waiting for a connection (pool exhausted or connect timed out).</summary>
    public long Timeouts => Interlocked.Read(ref _timeouts);

    /// <summary>Times opening a connection failed outright (server down, refused, wrong password).</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>The time since opening a connection last failed outright, or null when it never did.</summary>
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

    /// <summary>The connections held right now, longest first, at most <paramref name="count"/>.</summary>
    public IReadOnlyList<ConnectionHold> LongestHolds(int count, TimeSpan atLeast) =>
        [.. _holds.Keys.Where(hold => hold.Held >= atLeast).OrderByDescending(hold => hold.Held).Take(count)];

    /// <summary>The connections held right now.</summary>
    internal ICollection<ConnectionHold> Holds => _holds.Keys;

    internal void LongHoldFound() => Interlocked.Increment(ref _longHolds);

    internal void Holding(ConnectionHold hold) => _holds.TryAdd(hold, 0);

    /// <summary>True when every connection is in use and callers wait for one.</summary>
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
