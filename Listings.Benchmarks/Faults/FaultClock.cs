using System.Diagnostics;

namespace Listings.Benchmarks.Faults;

/// <summary>
/// The one clock of a scenario: every request, probe sample and fault is stamped in seconds since the scenario
/// started, so they can be laid side by side. It also knows the UTC start, to place the API's log lines.
/// </summary>
public sealed class FaultClock
{
    private readonly Stopwatch _stopwatch = Stopwatch.StartNew();

    /// <summary>Gets the UTC moment the clock started.</summary>
    public DateTimeOffset StartedUtc { get; } = DateTimeOffset.UtcNow;

    /// <summary>Gets the seconds since the clock started.</summary>
    public double Now => _stopwatch.Elapsed.TotalSeconds;

    /// <summary>Waits until <paramref name="seconds"/> on this clock (returns at once when it has passed).</summary>
    /// <param name="seconds">The moment to wait for.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public Task WaitUntilAsync(double seconds, CancellationToken cancellationToken)
    {
        var remaining = seconds - Now;
        return remaining > 0 ? Task.Delay(TimeSpan.FromSeconds(remaining), cancellationToken) : Task.CompletedTask;
    }

    /// <summary>Converts a UTC moment to seconds on this clock.</summary>
    /// <param name="utc">The moment.</param>
    public double SecondsAt(DateTimeOffset utc) => (utc - StartedUtc).TotalSeconds;
}
