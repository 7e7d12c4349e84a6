using System.Diagnostics.Metrics;
using System.Threading.RateLimiting;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// A concurrency limit with a bounded, first-come-first-served queue and a bounded wait. Callers that cannot get a
/// slot in time get null and are answered 503 by <see cref="AdmissionFilter"/>.
/// </summary>
public sealed class AdmissionGate : IRequestQueue, IDisposable
{
    private static readonly Counter<long> Rejections = PoolMetrics.Meter.CreateCounter<long>(
        "listings.admission.rejections", "{request}", "Requests refused by admission control; the reason tag says why.");

    private readonly ConcurrencyLimiter _limiter;
    private int _queueLength;
    private int _inFlight;

    /// <summary>Creates the gate.</summary>
    public AdmissionGate(int maxConcurrency, int queueLimit, TimeSpan queueTimeout, int retryAfterSeconds)
    {
        MaxConcurrency = maxConcurrency;
        QueueLimit = queueLimit;
        QueueTimeout = queueTimeout;
        RetryAfterSeconds = retryAfterSeconds;
        _limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = maxConcurrency,
            QueueLimit = queueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });

        // Gauges read the live values, so every exporter shows the level itself, not its changes.
        PoolMetrics.Meter.CreateObservableGauge(
            "listings.admission.queue.length", () => QueueLength, "{request}", "Requests waiting in the admission queue.");
        PoolMetrics.Meter.CreateObservableGauge(
            "listings.admission.in_flight", () => InFlight, "{request}", "Requests admitted to database work and not yet finished.");
    }

    /// <summary>Requests allowed to do database work at once.</summary>
    public int MaxConcurrency { get; }

    /// <summary>Requests allowed to wait.</summary>
    public int QueueLimit { get; }

    /// <summary>The longest wait for a slot.</summary>
    public TimeSpan QueueTimeout { get; }

    /// <summary>The <c>Retry-After</c> seconds sent with a refusal.</summary>
    public int RetryAfterSeconds { get; }

    /// <summary>Requests waiting for a slot now.</summary>
    public int QueueLength => Volatile.Read(ref _queueLength);

    /// <summary>Requests holding a slot now.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Waits for a slot; null when the queue is full or the wait ran out. Dispose the result to free the slot.</summary>
    public async ValueTask<IDisposable?> TryEnterAsync(CancellationToken requestAborted)
    {
        var lease = _limiter.AttemptAcquire();
        if (!lease.IsAcquired)
        {
            lease.Dispose();
            lease = await WaitAsync(requestAborted);
            if (lease is null)
            {
                return null;
            }
        }

        Interlocked.Increment(ref _inFlight);
        return new Slot(this, lease);
    }

    private async ValueTask<RateLimitLease?> WaitAsync(CancellationToken requestAborted)
    {
        Interlocked.Increment(ref _queueLength);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
        timeout.CancelAfter(QueueTimeout);
        try
        {
            var lease = await _limiter.AcquireAsync(1, timeout.Token);
            if (lease.IsAcquired)
            {
                return lease;
            }

            lease.Dispose();
            Rejections.Add(1, new KeyValuePair<string, object?>("reason", "queue_full"));
            return null;
        }
        catch (OperationCanceledException) when (!requestAborted.IsCancellationRequested)
        {
            Rejections.Add(1, new KeyValuePair<string, object?>("reason", "queue_timeout"));
            return null;
        }
        finally
        {
            Interlocked.Decrement(ref _queueLength);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _limiter.Dispose();

    private sealed class Slot(AdmissionGate gate, RateLimitLease lease) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Interlocked.Decrement(ref gate._inFlight);
                lease.Dispose();
            }
        }
    }
}
