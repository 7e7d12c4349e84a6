namespace Listings.Benchmarks.Faults.Report;

/// <summary>Everything the fault run measured, written to <c>faults.json</c>.</summary>
public sealed class FaultResults : IRunResults
{
    /// <summary>Gets the machine and software the run was taken on.</summary>
    public MachineFacts Machine { get; init; } = new();

    /// <summary>Gets or sets the run's parameters.</summary>
    public FaultParameters Parameters { get; set; } = new();

    /// <summary>Gets or sets the API's process id at its start.</summary>
    public int ApiProcessId { get; set; }

    /// <summary>Gets or sets a value indicating whether the same API process was still running at the end of the faults.</summary>
    public bool? ApiAliveAtEnd { get; set; }

    /// <summary>Gets or sets the restart under load.</summary>
    public RestartResult? Restart { get; set; }

    /// <summary>Gets or sets the outage.</summary>
    public OutageResult? Outage { get; set; }

    /// <summary>Gets or sets the killed backends.</summary>
    public KilledBackendsResult? KilledBackends { get; set; }

    /// <summary>Gets or sets the connect stall.</summary>
    public ConnectStallResult? ConnectStall { get; set; }

    /// <summary>Gets <c>/health</c> as it read 2 s after each step, once healthy again, by step.</summary>
    public Dictionary<string, string> SettledHealth { get; } = [];

    /// <summary>Gets the goals and whether this run met them.</summary>
    public List<TargetResult> Goals { get; } = [];

    /// <summary>Gets or sets the failure that ended the run early, if any.</summary>
    public string? Failure { get; set; }
}

/// <summary>The run's parameters, as the report states them.</summary>
public sealed class FaultParameters
{
    /// <summary>Gets or sets a value indicating whether this was the quick run.</summary>
    public bool Quick { get; set; }

    /// <summary>Gets or sets the listings seeded.</summary>
    public int SeedCount { get; set; }

    /// <summary>Gets or sets the concurrent clients.</summary>
    public int Clients { get; set; }

    /// <summary>Gets or sets the share of writes in the mixed loads.</summary>
    public double WriteShare { get; set; }

    /// <summary>Gets or sets the longest think time between a client's operations, in milliseconds.</summary>
    public double ThinkTimeMs { get; set; }

    /// <summary>Gets or sets the client's per-request timeout in seconds.</summary>
    public double RequestTimeoutSeconds { get; set; }

    /// <summary>Gets or sets how long unacknowledged writes are retried after a load ends, in seconds.</summary>
    public double DrainLimitSeconds { get; set; }

    /// <summary>Gets or sets the load before and after the restart, in seconds.</summary>
    public string RestartLoad { get; set; } = "";

    /// <summary>Gets or sets how long PostgreSQL stayed stopped, in seconds.</summary>
    public double OutageSeconds { get; set; }

    /// <summary>Gets or sets how long backends were killed, in seconds.</summary>
    public double KillSeconds { get; set; }

    /// <summary>Gets or sets the pause between kill rounds, in seconds.</summary>
    public double KillIntervalSeconds { get; set; }

    /// <summary>Gets or sets how long new connections stalled, in seconds.</summary>
    public double StallSeconds { get; set; }

    /// <summary>Gets or sets how long the proxy held each new connection, in seconds.</summary>
    public double StallDelaySeconds { get; set; }

    /// <summary>Gets or sets the bound on serving again once the server accepts connections, in seconds.</summary>
    public double RecoveryBoundSeconds { get; set; }
}
