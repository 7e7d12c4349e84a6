using System.Diagnostics;
using Microsoft.Extensions.Hosting;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// Samples <see cref="PoolUsage"/> and any <see cref="IRequestQueue"/> every 100 ms and keeps the last minute, to tell
/// whether the pool <em>stays</em> saturated and to measure its <see cref="PoolDemand"/>.
/// </summary>
public sealed class PoolUsageSampler(PoolUsage usage, ConnectionPlan plan, IRequestQueue? queue = null) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private const int WindowSamples = 600;
    private const int SaturationSamples = 20;

    // The hold-time counts are copied once a second (every tenth sample): a minute of copies, not one per sample.
    private const int SamplesPerHoldCopy = 10;
    private const int HoldCopies = WindowSamples / SamplesPerHoldCopy;

    private readonly Sample[] _samples = new Sample[WindowSamples];
    private readonly long[][] _holdCopies = [.. Enumerable.Range(0, HoldCopies).Select(_ => new long[HoldTimeHistogram.Buckets])];
    private readonly Lock _lock = new();
    private int _count;
    private int _next;
    private int _holdCopyCount;
    private int _holdCopyNext;
    private long _recorded;

    /// <summary>The demand over the samples kept, or null before the second.</summary>
    public PoolDemand? Demand()
    {
        Sample[] window;
        var oldestHolds = new long[HoldTimeHistogram.Buckets];
        lock (_lock)
        {
            if (_count < 2)
            {
                return null;
            }

            window = new Sample[_count];
            for (var i = 0; i < _count; i++)
            {
                window[i] = _samples[(_next - _count + i + WindowSamples) % WindowSamples];
            }

            _holdCopies[(_holdCopyNext - _holdCopyCount + HoldCopies) % HoldCopies].CopyTo(oldestHolds);
        }

        var holds = new long[HoldTimeHistogram.Buckets];
        usage.HoldTimes.CopyTo(holds);

        var first = window[0];
        var last = window[^1];
        var seconds = Stopwatch.GetElapsedTime(first.Timestamp, last.Timestamp).TotalSeconds;
        var opened = last.TotalOpened - first.TotalOpened;
        var held = (last.TotalHeld - first.TotalHeld).TotalSeconds;
        var throughput = seconds > 0 ? opened / seconds : 0;
        var meanHold = opened > 0 ? held / opened : 0;
        var littlesLaw = throughput * meanHold;
        var shortHold = HoldTimeHistogram.Percentile(oldestHolds, holds, PoolDemand.ShortHoldQuantile)?.TotalSeconds ?? 0;
        var working = Math.Min(throughput * shortHold, littlesLaw);
        var limit = queue is null ? usage.MaxPoolSize : Math.Min(usage.MaxPoolSize, queue.MaxConcurrency);
        var waitingShare = limit > 0 ? Math.Clamp((littlesLaw - working) / limit, 0, 1) : 0;

        var concurrent = window.Select(sample => sample.Concurrent).Order().ToArray();
        var p99 = concurrent[(int)Math.Ceiling(0.99 * concurrent.Length) - 1];
        var recent = window.TakeLast(SaturationSamples).ToArray();
        var saturatedShare = recent.Count(sample => sample.Saturated) / (double)recent.Length;
        var (recommended, judgement) = PoolDemand.Recommend(
            littlesLaw, working, limit, p99, opened, window.Any(sample => sample.Saturated), plan.Budget?.PerReplicaAllowance);

        return new PoolDemand(
            Math.Round(seconds, 1),
            Math.Round(throughput, 1),
            Math.Round(meanHold * 1000, 2),
            Math.Round(littlesLaw, 2),
            Math.Round(shortHold * 1000, 3),
            Math.Round(working, 2),
            Math.Round(waitingShare, 2),
            p99,
            Math.Round(saturatedShare, 2),
            recommended,
            judgement);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            Record();
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private void Record()
    {
        var queued = queue?.QueueLength ?? 0;
        var inFlight = queue?.InFlight ?? 0;
        var queueSaturated = queue is not null && inFlight >= queue.MaxConcurrency && queued > 0;
        var sample = new Sample(
            Stopwatch.GetTimestamp(),
            usage.TotalOpened,
            usage.TotalHeld,
            usage.InUse + usage.Waiting + queued,
            usage.Saturated || queueSaturated);

        lock (_lock)
        {
            _samples[_next] = sample;
            _next = (_next + 1) % WindowSamples;
            _count = Math.Min(_count + 1, WindowSamples);
            if (_recorded++ % SamplesPerHoldCopy == 0)
            {
                usage.HoldTimes.CopyTo(_holdCopies[_holdCopyNext]);
                _holdCopyNext = (_holdCopyNext + 1) % HoldCopies;
                _holdCopyCount = Math.Min(_holdCopyCount + 1, HoldCopies);
            }
        }
    }

    private readonly record struct Sample(long Timestamp, long TotalOpened, TimeSpan TotalHeld, int Concurrent, bool Saturated);
}
