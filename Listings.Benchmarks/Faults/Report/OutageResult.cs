using Listings.Benchmarks.Faults.Analysis;
using Listings.Benchmarks.Faults.Probes;

namespace Listings.Benchmarks.Faults.Report;

/// <summary>What a PostgreSQL outage under a mixed load showed.</summary>
public sealed class OutageResult
{
    /// <summary>Gets the stop.</summary>
    public required FaultEvent Stop { get; init; }

    /// <summary>Gets the start that ended the outage.</summary>
    public required FaultEvent Start { get; init; }

    /// <summary>Gets the outage: from the stop command to the server accepting connections again (probe).</summary>
    public required DownWindow Window { get; init; }

    /// <summary>Gets the requests sent inside the window, counted by outcome.</summary>
    public required RequestSummary OutageRequests { get; init; }

    /// <summary>Gets the requests sent inside the window that were answered 503 problem details with <c>Retry-After</c>.</summary>
    public required int ProblemWithRetryAfter { get; init; }

    /// <summary>Gets the requests sent inside the window that took longer than the bound or got no answer.</summary>
    public required int OverBound { get; init; }

    /// <summary>Gets the longest request sent inside the window, in milliseconds.</summary>
    public required double MaxMs { get; init; }

    /// <summary>Gets the bound on every answer during the outage, in milliseconds.</summary>
    public required double BoundMs { get; init; }

    /// <summary>Gets the seconds from the stop command to the first <c>/health</c> answer that was not 200; null if none was.</summary>
    public required double? HealthUnhealthyAfterSeconds { get; init; }

    /// <summary>Gets the statuses <c>/health</c> answered inside the window, by status (0: no answer within 5 s).</summary>
    public required IReadOnlyDictionary<int, int> HealthStatusesDuringOutage { get; init; }

    /// <summary>Gets the <c>/health</c> answers inside the window by status, report status and database description.</summary>
    public required IReadOnlyDictionary<string, int> HealthReportsDuringOutage { get; init; }

    /// <summary>Gets the <c>/health</c> answers from 1 s after the stop to the end of the window that were not 503.</summary>
    public required int HealthNotUnhealthyAfterFirstSecond { get; init; }

    /// <summary>Gets the <c>/health</c> answers from 1 s after the stop to the end of the window.</summary>
    public required int HealthAfterFirstSecond { get; init; }

    /// <summary>Gets the longest <c>/health</c> answer inside the window, in milliseconds.</summary>
    public required double HealthMaxMs { get; init; }

    /// <summary>Gets the seconds from the server accepting connections to <c>/health</c> answering 200 again; null if it never did.</summary>
    public required double? HealthHealthyAgainSeconds { get; init; }

    /// <summary>Gets <c>/alive</c> answers other than 200 during the scenario.</summary>
    public required int AliveNotOk { get; init; }

    /// <summary>Gets <c>/alive</c> answers in the scenario.</summary>
    public required int AliveSamples { get; init; }

    /// <summary>Gets the latency before, during and after the outage.</summary>
    public required IReadOnlyList<PhaseLatency> Phases { get; init; }

    /// <summary>Gets how quickly the API served again.</summary>
    public required Recovery Recovery { get; init; }

    /// <summary>Gets the writes checked against the table (writes caught by the outage are retried after it).</summary>
    public required WriteAudit Writes { get; init; }

    /// <summary>Gets the errors per second around the outage.</summary>
    public required IReadOnlyList<TimelineBucket> Timeline { get; init; }

    /// <summary>Gets the warnings and errors the API logged during the scenario.</summary>
    public required IReadOnlyList<ApiLogEntry> ApiLog { get; init; }
}
