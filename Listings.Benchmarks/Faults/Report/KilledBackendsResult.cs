using Listings.Benchmarks.Faults.Analysis;
using Listings.Benchmarks.Faults.Probes;

namespace Listings.Benchmarks.Faults.Report;

/// <summary>What killing the API's server connections under a read load showed.</summary>
public sealed class KilledBackendsResult
{
    /// <summary>Gets every round of <c>pg_terminate_backend</c>.</summary>
    public required IReadOnlyList<KillRound> Rounds { get; init; }

    /// <summary>Gets the requests counted by outcome.</summary>
    public required RequestSummary Requests { get; init; }

    /// <summary>Gets the latency over the whole scenario.</summary>
    public required IReadOnlyList<PhaseLatency> Phases { get; init; }

    /// <summary>Gets the errors per second, relative to the first kill.</summary>
    public required IReadOnlyList<TimelineBucket> Timeline { get; init; }

    /// <summary>Gets the warnings and errors the API logged during the scenario.</summary>
    public required IReadOnlyList<ApiLogEntry> ApiLog { get; init; }
}
