using Listings.Benchmarks.Faults.Analysis;

namespace Listings.Benchmarks.Faults.Report;

/// <summary>What a stall of new connections (a cold pooler) under a read load showed.</summary>
public sealed class ConnectStallResult
{
    /// <summary>Gets how long each new connection was held by the proxy, in seconds.</summary>
    public required double StallDelaySeconds { get; init; }

    /// <summary>Gets the API's connect bound (<c>ConnectionPool:ConnectTimeoutSeconds</c>), in seconds.</summary>
    public required double ConnectTimeoutSeconds { get; init; }

    /// <summary>Gets the connections the proxy accepted before the stall (the warm minimum and the health probes' needs).</summary>
    public required int ConnectionsBeforeStall { get; init; }

    /// <summary>Gets the new connections that arrived during the stall and were held.</summary>
    public required int StalledConnections { get; init; }

    /// <summary>Gets the requests sent while new connections stalled.</summary>
    public required RequestSummary StallRequests { get; init; }

    /// <summary>Gets the requests sent in the stall answered 503 problem details with <c>Retry-After</c>.</summary>
    public required int ProblemWithRetryAfter { get; init; }

    /// <summary>Gets the requests sent in the stall that took longer than the bound or got no answer.</summary>
    public required int OverBound { get; init; }

    /// <summary>Gets the longest answer in the stall, in milliseconds.</summary>
    public required double MaxMs { get; init; }

    /// <summary>Gets the bound, in milliseconds.</summary>
    public required double BoundMs { get; init; }

    /// <summary>Gets the latency by phase.</summary>
    public required IReadOnlyList<PhaseLatency> Phases { get; init; }

    /// <summary>Gets the warnings and errors the stall's API logged.</summary>
    public required IReadOnlyList<ApiLogEntry> ApiLog { get; init; }
}
