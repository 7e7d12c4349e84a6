using System.ComponentModel.DataAnnotations;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>The server connections all replicas may hold together, and how that is checked.</summary>
public sealed class BudgetOptions
{
    /// <summary>The most clients a session pooler accepts (Supavisor's pool size on Nano to Medium). The default value is 15.</summary>
    [Range(1, 10_000)]
    public int SessionPoolerClientCap { get; set; } = 15;

    /// <summary>The server's <c>max_connections</c>. The default value is null: read from the server at start.</summary>
    [Range(1, 262_143)]
    public int? ServerMaxConnections { get; set; }

    /// <summary>
    /// The share of <c>max_connections</c> all replicas together may hold. The default value is null: a third direct,
    /// 40% behind a pooler (Supabase's advice).
    /// </summary>
    public double? BudgetFraction { get; set; }

    /// <summary>How many replicas run, each with its own pool. The AppHost sets it. The default value is 1.</summary>
    [Range(1, 1_000)]
    public int Replicas { get; set; } = 1;

    /// <summary>The most replicas an autoscaler may run. The default value is null: <see cref="Replicas"/>.</summary>
    [Range(1, 1_000)]
    public int? MaxReplicas { get; set; }

    /// <summary>
    /// Extra replicas during a rolling update, on top of <see cref="MaxReplicas"/>.
    /// The default value is 1 (0 when updates stop a replica before starting its successor).
    /// </summary>
    [Range(0, 1_000)]
    public int SurgeReplicas { get; set; } = 1;

    /// <summary>How often, in seconds, the replicas' server connections are counted against the budget. The default value is 60.</summary>
    [Range(1, 86_400)]
    public int FleetCheckSeconds { get; set; } = 60;

    /// <summary>
    /// When true, a pool over its budget, or a problem only configuration fixes, stops the start instead of a warning.
    /// The default value is false.
    /// </summary>
    public bool Strict { get; set; }

    /// <summary>The replicas the budget is shared by.</summary>
    internal int BudgetReplicas => (MaxReplicas ?? Replicas) + SurgeReplicas;
}
