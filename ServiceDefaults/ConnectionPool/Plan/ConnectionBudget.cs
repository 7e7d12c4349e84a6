using System.Text.Json.Serialization;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// How many connections each replica may hold: <c>max_connections</c> × the share ÷ replicas, or behind a session
/// pooler its client cap ÷ replicas.
/// </summary>
/// <param name="ServerMaxConnections">The server's <c>max_connections</c>, or null when unknown.</param>
/// <param name="Fraction">The share of the server's connections all replicas may hold.</param>
/// <param name="Replicas">The replicas sharing the budget.</param>
/// <param name="PerReplicaAllowance">The most one replica may hold, or null when unknown.</param>
/// <param name="Source">Where the limit comes from.</param>
public sealed record ConnectionBudget(int? ServerMaxConnections, double Fraction, int Replicas, int? PerReplicaAllowance, ConnectionBudgetSource Source)
{
    /// <summary>The budget from the server's limit; the allowance is rounded down, never below 1.</summary>
    public static ConnectionBudget FromServer(int? serverMaxConnections, double fraction, int replicas, ConnectionBudgetSource source)
    {
        // The epsilon keeps 60 × 1/3 at 20 rather than 19.999...
        int? allowance = serverMaxConnections is { } max
            ? Math.Max(1, (int)Math.Floor((max * fraction / replicas) + 1e-9))
            : null;

        return new ConnectionBudget(serverMaxConnections, fraction, replicas, allowance, serverMaxConnections is null ? ConnectionBudgetSource.Unknown : source);
    }

    /// <summary>The budget behind a session pooler, where every pooled connection is a pooler client.</summary>
    public static ConnectionBudget FromSessionPoolerCap(int clientCap, int replicas) =>
        new(null, 1, replicas, Math.Max(1, clientCap / replicas), ConnectionBudgetSource.SessionPoolerCap) { ClientCap = clientCap };

    /// <summary>The most server connections all replicas may hold, or null when unknown.</summary>
    public int? Total => Source == ConnectionBudgetSource.SessionPoolerCap || ServerMaxConnections is not { } max
        ? null
        : (int)Math.Floor((max * Fraction) + 1e-9);

    /// <summary>The session pooler's client cap, when that is the limit.</summary>
    public int? ClientCap { get; init; }

    /// <summary>The share as a whole percentage, e.g. <c>33%</c>.</summary>
    public string FractionPercent => (Fraction * 100).ToString("0", System.Globalization.CultureInfo.InvariantCulture) + "%";

    /// <summary>True when <paramref name="maxPoolSize"/> is over the replica's allowance.</summary>
    public bool IsExceededBy(int maxPoolSize) => PerReplicaAllowance is { } allowance && maxPoolSize > allowance;

    /// <summary>A human summary, e.g. <c>20 of 60 server connections (33%, 1 replica)</c>.</summary>
    public string Describe(int maxPoolSize) => Source switch
    {
        ConnectionBudgetSource.SessionPoolerCap => $"{maxPoolSize * Replicas} of {ClientCap} session-pooler clients ({Replicas} {ReplicaWord})",
        ConnectionBudgetSource.Unknown => $"{maxPoolSize * Replicas} connections; server limit unknown ({Replicas} {ReplicaWord})",
        _ => $"{maxPoolSize * Replicas} of {ServerMaxConnections} server connections (allowance {PerReplicaAllowance * Replicas} = {FractionPercent}, {Replicas} {ReplicaWord})",
    };

    private string ReplicaWord => Replicas == 1 ? "replica" : "replicas";
}

/// <summary>Where a <see cref="ConnectionBudget"/>'s limit comes from.</summary>
[JsonConverter(typeof(KebabCaseEnumConverter<ConnectionBudgetSource>))]
public enum ConnectionBudgetSource
{
    /// <summary><c>ConnectionPool:ServerMaxConnections</c>.</summary>
    Configured,

    /// <summary>The server said its <c>max_connections</c> at start.</summary>
    Server,

    /// <summary>The session pooler's client cap.</summary>
    SessionPoolerCap,

    /// <summary>Neither configured nor read from the server.</summary>
    Unknown,
}
