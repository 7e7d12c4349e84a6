using Listings.Benchmarks.Faults.Analysis;
using Listings.Benchmarks.Faults.Probes;

namespace Listings.Benchmarks.Faults.Report;

/// <summary>What the restart under a mixed load showed.</summary>
public sealed class RestartResult
{
    /// <summary>Gets the restart.</summary>
    public required FaultEvent Fault { get; init; }

    /// <summary>Gets the restart window: from the restart command to the server accepting connections again (probe, 50 ms resolution).</summary>
    public required DownWindow Window { get; init; }

    /// <summary>Gets the part of the window in which the probe's connections were refused.</summary>
    public required double NotAcceptingSeconds { get; init; }

    /// <summary>Gets every request of the scenario counted by outcome.</summary>
    public required RequestSummary Requests { get; init; }

    /// <summary>Gets failed reads whose answer arrived before the restart began.</summary>
    public required int ReadErrorsBefore { get; init; }

    /// <summary>Gets failed reads that were in flight at some moment of the restart window.</summary>
    public required int ReadErrorsInside { get; init; }

    /// <summary>Gets failed reads sent after the window closed.</summary>
    public required int ReadErrorsAfter { get; init; }

    /// <summary>Gets the errors answered before the window or sent after it, by outcome and problem title.</summary>
    public required IReadOnlyDictionary<string, int> ErrorsOutsideWindow { get; init; }

    /// <summary>Gets the latency before, during and after the window.</summary>
    public required IReadOnlyList<PhaseLatency> Phases { get; init; }

    /// <summary>Gets how quickly the API served again.</summary>
    public required Recovery Recovery { get; init; }

    /// <summary>Gets the writes checked against the table.</summary>
    public required WriteAudit Writes { get; init; }

    /// <summary>Gets <c>/health</c> answers other than 200 during the scenario.</summary>
    public required int HealthNotOk { get; init; }

    /// <summary>Gets <c>/alive</c> answers other than 200 during the scenario.</summary>
    public required int AliveNotOk { get; init; }

    /// <summary>Gets the errors per second around the restart.</summary>
    public required IReadOnlyList<TimelineBucket> Timeline { get; init; }

    /// <summary>Gets the warnings and errors the API logged during the scenario.</summary>
    public required IReadOnlyList<ApiLogEntry> ApiLog { get; init; }
}
