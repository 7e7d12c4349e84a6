using System.Diagnostics;
using Microsoft.Extensions.Hosting;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// Samples <see cref="PoolUsage"/> (and the <see cref="IRequestQueue"/> in front of it, if any) every 100 ms and keeps the last minute, to tell whether the
/// pool <em>stays</em> saturated (not a single instant) and to measure demand: Little's law from the running totals,
/// and the 99th percentile of concurrent use.
/// </summary>
public sealed class PoolUsageSampler(PoolUsage usage, ConnectionPlan plan, IRequestQueue? queue = null) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private const int WindowSamples = 600;
    private const int SaturationSamples = 20;

    private readonly Sample[] _samples = new Sample[WindowSamples];
    private readonly Lock _lock = new();
    private int _count;
    private int _next;

    /// <summary>
    /// The budget recommendations stay within: the running plan's, made after the server has said its <c>max_connections</c>.
    /// </summary>
    public ConnectionBudget? Budget { get; set; } = plan.Budget;

    /// <summary>The demand over the samples kept so far, or null before the first two samples.</summary>
    public PoolDemand? Demand()
    {
        Sample[] window;
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
        }

        var first = window[0];
        var last = window[^1];
        var seconds = Stopwatch.GetElapsedTime(first.Timestamp, last.Timestamp).TotalSeconds;
        var opened = last.TotalOpened - first.TotalOpened;
        var held = (last.TotalHeld - first.TotalHeld).TotalSeconds;
        var throughput = seconds > 0 ? opened / seconds : 0;
        var meanHold = opened > 0 ? held / opened : 0;
        var littlesLaw = throughput * meanHold;

        var concurrent = window.Select(sample => sample.Concurrent).Order().ToArray();
        var p99 = concurrent[(int)Math.Ceiling(0.99 * concurrent.Length) - 1];
        var recent = window.TakeLast(SaturationSamples).ToArray();
        var saturatedShare = recent.Count(sample => sample.Saturated) / (double)recent.Length;
        var (recommended, judgement) = PoolDemand.Recommend(
            littlesLaw, p99, opened, window.Any(sample => sample.Saturated), Budget?.PerReplicaAllowance);

        return new PoolDemand(
            Math.Round(seconds, 1),
            Math.Round(throughput, 1),
            Math.Round(meanHold * 1000, 2),
            Math.Round(littlesLaw, 2),
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
        }
    }

    private readonly record struct Sample(long Timestamp, long TotalOpened, TimeSpan TotalHeld, int Concurrent, bool Saturated);
}
