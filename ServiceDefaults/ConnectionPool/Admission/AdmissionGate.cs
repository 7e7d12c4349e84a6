using System.Diagnostics.Metrics;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// A concurrency limit whose queue is bounded by waiting time (CoDel's sojourn-time rule): a request waits while it can
/// still start within <see cref="QueueTimeout"/>. First come, first served while the queue drains within the bound;
/// past that, newest first (adaptive LIFO, "Fail at Scale"). The pool README's "Admission" gives each choice's reason.
/// </summary>
public sealed class AdmissionGate : IRequestQueue, IDisposable
{
    private static readonly Counter<long> Rejections = PoolMetrics.Meter.CreateCounter<long>(
        "listings.admission.rejections", "{request}", "Requests refused by admission control; the reason tag says why.");

    private static readonly TimeSpan SweepInterval = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(1);

    private readonly TimeProvider _clock;
    private readonly Lock _lock = new();
    private readonly LinkedList<Waiter> _waiters = new();
    private readonly ITimer _sweep;
    private bool _sweeping;
    private int _inFlight;

    // The release rate, measured only while requests wait: then every slot is busy and the rate is the capacity, while
    // nobody waits it is only the demand. Wall-clock windows would let an idle spell make a burst look like overload
    // (benchmarks/README.md, "Bursts after idleness"). _releasedPerSecond is NaN before the first full window.
    private TimeSpan _windowWaiting;
    private long _windowReleases;
    private long _waitingSince;
    private double _releasedPerSecond = double.NaN;

    /// <summary>Creates the gate; <paramref name="clock"/> is <see cref="TimeProvider.System"/> when null.</summary>
    public AdmissionGate(int maxConcurrency, int queueLimit, TimeSpan queueTimeout, TimeSpan maxRetryAfter, TimeProvider? clock = null)
    {
        MaxConcurrency = maxConcurrency;
        QueueLimit = queueLimit;
        QueueTimeout = queueTimeout;
        MaxRetryAfter = maxRetryAfter;
        _clock = clock ?? TimeProvider.System;
        // Runs only while someone waits: every tick wakes a thread-pool worker, which spins before it sleeps again, so a
        // sweep that always ran would keep an idle service busy.
        _sweep = _clock.CreateTimer(_ => RefuseOverdue(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

        // Gauges, so every exporter shows the level itself, not its changes.
        PoolMetrics.Meter.CreateObservableGauge(
            "listings.admission.queue.length", () => QueueLength, "{request}", "Requests waiting in the admission queue.");
        PoolMetrics.Meter.CreateObservableGauge(
            "listings.admission.in_flight", () => InFlight, "{request}", "Requests admitted to database work and not yet finished.");
    }

    /// <summary>Requests allowed to do database work at once.</summary>
    public int MaxConcurrency { get; }

    /// <summary>The most requests allowed to wait: a bound on memory, not the admission rule.</summary>
    public int QueueLimit { get; }

    /// <summary>The longest wait for a slot.</summary>
    public TimeSpan QueueTimeout { get; }

    /// <summary>The largest <c>Retry-After</c> sent with a refusal.</summary>
    public TimeSpan MaxRetryAfter { get; }

    /// <summary>Requests waiting for a slot now.</summary>
    public int QueueLength
    {
        get
        {
            lock (_lock)
            {
                return _waiters.Count;
            }
        }
    }

    /// <summary>Requests holding a slot now.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>True while the queue would take longer than the bound to drain.</summary>
    public bool ServesNewestFirst
    {
        get
        {
            lock (_lock)
            {
                return NewestFirstLocked(_clock.GetTimestamp());
            }
        }
    }

    /// <summary>Waits for a slot; not admitted past <see cref="QueueTimeout"/> or at <see cref="QueueLimit"/>. Dispose the result.</summary>
    public ValueTask<Admission> TryEnterAsync(CancellationToken requestAborted)
    {
        Waiter waiter;
        lock (_lock)
        {
            if (_inFlight < MaxConcurrency && _waiters.Count == 0)
            {
                _inFlight++;
                return ValueTask.FromResult(new Admission(this));
            }

            if (_waiters.Count >= QueueLimit)
            {
                Rejections.Add(1, new KeyValuePair<string, object?>("reason", "queue_full"));
                return ValueTask.FromResult(default(Admission));
            }

            var now = _clock.GetTimestamp();
            if (_waiters.Count == 0)
            {
                _waitingSince = now;
            }

            if (!_sweeping)
            {
                _sweeping = true;
                _sweep.Change(SweepInterval, SweepInterval);
            }

            waiter = new Waiter(this, now);
            waiter.Node = _waiters.AddLast(waiter);
        }

        return WaitAsync(waiter, requestAborted);
    }

    /// <summary>
    /// When capacity is likely to free up: the queue ahead at the rate slots were freed, from 1 s to
    /// <see cref="MaxRetryAfter"/>. A held lock frees nothing, so its clients are told to stay away long.
    /// </summary>
    public TimeSpan RetryAfter()
    {
        double queued, rate;
        lock (_lock)
        {
            queued = _waiters.Count;
            rate = RateLocked(_clock.GetTimestamp());
        }

        var seconds = rate > 0 ? Math.Ceiling((queued + 1) / rate) : MaxRetryAfter.TotalSeconds;
        return TimeSpan.FromSeconds(Math.Clamp(seconds, 1, Math.Max(1, MaxRetryAfter.TotalSeconds)));
    }

    /// <inheritdoc />
    public void Dispose() => _sweep.Dispose();

    private async ValueTask<Admission> WaitAsync(Waiter waiter, CancellationToken requestAborted)
    {
        using var aborted = requestAborted.UnsafeRegister(static state => ((Waiter)state!).Abandon(), waiter);
        var admitted = await waiter.Task;
        return admitted ? new Admission(this) : default;
    }

    // Hands the slot straight to the next waiter in time, or frees it.
    private void Release()
    {
        Waiter? next;
        lock (_lock)
        {
            var now = _clock.GetTimestamp();
            if (_waiters.Count > 0)
            {
                _windowReleases++;
            }

            RefuseOverdueLocked(now);
            next = TakeNextLocked(now);
            if (next is null)
            {
                _inFlight--;
            }
        }

        next?.TrySetResult(true);
    }

    // The sweep stops on a tick that finds nobody waiting, not on every emptying of the queue, which under load is
    // nearly every release; the next waiter starts it again.
    private void RefuseOverdue()
    {
        lock (_lock)
        {
            RefuseOverdueLocked(_clock.GetTimestamp());
            if (_waiters.Count == 0 && _sweeping)
            {
                _sweeping = false;
                _sweep.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }
        }
    }

    // The oldest waiters are always at the front (both orders add at the back), so the overdue ones are found first.
    private void RefuseOverdueLocked(long now)
    {
        while (_waiters.First is { } oldest && _clock.GetElapsedTime(oldest.Value.EnqueuedAt, now) >= QueueTimeout)
        {
            _waiters.RemoveFirst();
            StopWaitingIfEmptyLocked(now);
            Rejections.Add(1, new KeyValuePair<string, object?>("reason", "queue_timeout"));
            oldest.Value.TrySetResult(false);
        }
    }

    // Not the oldest waiter's age: once the newest are served first it is the starved one, and would say "overloaded"
    // for good. The queue's length at the release rate is what a newcomer would wait in order.
    private bool NewestFirstLocked(long now) =>
        _waiters.Count > 0 && RateLocked(now) is var rate && rate > 0 && _waiters.Count / rate >= QueueTimeout.TotalSeconds;

    private Waiter? TakeNextLocked(long now)
    {
        var node = NewestFirstLocked(now) ? _waiters.Last : _waiters.First;
        if (node is null)
        {
            return null;
        }

        _waiters.Remove(node);
        StopWaitingIfEmptyLocked(now);
        return node.Value;
    }

    // A request that went away while waiting leaves the queue, unless a slot or a refusal already took it out.
    private void Abandon(Waiter waiter)
    {
        lock (_lock)
        {
            if (waiter.Node?.List != _waiters)
            {
                return;
            }

            _waiters.Remove(waiter.Node);
            StopWaitingIfEmptyLocked(_clock.GetTimestamp());
        }

        waiter.TrySetCanceled();
    }

    // Over the last full second of waiting, or the first one so far; 0 before any waiting (FIFO, the longest Retry-After).
    private double RateLocked(long now)
    {
        var waiting = _windowWaiting + (_waiters.Count > 0 ? _clock.GetElapsedTime(_waitingSince, now) : TimeSpan.Zero);
        if (waiting >= RateWindow)
        {
            _releasedPerSecond = _windowReleases / waiting.TotalSeconds;
            _windowReleases = 0;
            _windowWaiting = TimeSpan.Zero;
            _waitingSince = now;
        }

        return !double.IsNaN(_releasedPerSecond) ? _releasedPerSecond
            : waiting > TimeSpan.Zero ? _windowReleases / waiting.TotalSeconds
            : 0;
    }

    // Called after each removal from the queue: the one that empties it ends the spell of waiting.
    private void StopWaitingIfEmptyLocked(long now)
    {
        if (_waiters.Count == 0)
        {
            _windowWaiting += _clock.GetElapsedTime(_waitingSince, now);
        }
    }

    /// <summary>A slot to dispose when the database work is done, or none.</summary>
    public readonly struct Admission : IDisposable
    {
        private readonly AdmissionGate? _gate;

        internal Admission(AdmissionGate gate) => _gate = gate;

        /// <summary>True when the request holds a slot.</summary>
        public bool Admitted => _gate is not null;

        /// <summary>Frees the slot.</summary>
        public void Dispose() => _gate?.Release();
    }

    private sealed class Waiter(AdmissionGate gate, long enqueuedAt) : TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public long EnqueuedAt { get; } = enqueuedAt;

        public LinkedListNode<Waiter>? Node { get; set; }

        public void Abandon() => gate.Abandon(this);
    }
}
