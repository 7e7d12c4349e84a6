using Listings.Benchmarks.Faults.Load;

namespace Listings.Benchmarks.Faults.Analysis;

/// <summary>The latency of the requests of one phase of a scenario (answered before a fault, caught by it, sent after it).</summary>
/// <param name="Phase">The phase's name, which says how its requests were chosen.</param>
/// <param name="FromSeconds">The phase's start on the scenario's clock.</param>
/// <param name="ToSeconds">The phase's end.</param>
/// <param name="Requests">Requests of the phase.</param>
/// <param name="Errors">Of which did not succeed.</param>
/// <param name="P50Ms">The median duration, answered or not.</param>
/// <param name="P99Ms">The 99th percentile.</param>
/// <param name="MaxMs">The longest.</param>
/// <param name="BoundMs">The bound the phase is held to.</param>
/// <param name="OverBound">Requests that took longer than the bound (timeouts included).</param>
public sealed record PhaseLatency(
    string Phase,
    double FromSeconds,
    double ToSeconds,
    int Requests,
    int Errors,
    double P50Ms,
    double P99Ms,
    double MaxMs,
    double BoundMs,
    int OverBound)
{
    /// <summary>Measures the requests of <paramref name="records"/> that belong to the phase.</summary>
    /// <param name="phase">The phase's name.</param>
    /// <param name="records">Every request of the scenario.</param>
    /// <param name="belongs">Whether a request belongs to the phase.</param>
    /// <param name="from">The phase's start.</param>
    /// <param name="to">The phase's end.</param>
    /// <param name="bound">The bound.</param>
    public static PhaseLatency Of(string phase, IEnumerable<RequestRecord> records, Func<RequestRecord, bool> belongs,
        double from, double to, TimeSpan bound)
    {
        var inPhase = records.Where(belongs).ToList();
        var durations = inPhase.Select(r => r.DurationMs).Order().ToArray();
        return new PhaseLatency(
            phase,
            Math.Round(from, 2),
            Math.Round(to, 2),
            inPhase.Count,
            inPhase.Count(r => !r.Succeeded),
            Math.Round(LoadGenerator.Percentile(durations, 0.50), 1),
            Math.Round(LoadGenerator.Percentile(durations, 0.99), 1),
            Math.Round(durations.Length == 0 ? double.NaN : durations[^1], 1),
            bound.TotalMilliseconds,
            inPhase.Count(r => r.DurationMs > bound.TotalMilliseconds));
    }
}
