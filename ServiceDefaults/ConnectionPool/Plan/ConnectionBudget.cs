using System.Text.Json.Serialization;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// How many connections each replica may hold: the server's <c>max_connections</c> × the service's share ÷ replicas,
/// or behind a session pooler its client cap ÷ replicas.
/// </summary>
/// <param name="ServerMaxConnections">The server's <c>max_connections</c>, or null when unknown.</param>
/// <param name="Fraction">The share of the server's connections this service may hold, all replicas together.</param>
/// <param name="Replicas">The replicas sharing the budget.</param>
/// <param name="PerReplicaAllowance">The most connections one replica may hold, or null when the server's limit is unknown.</param>
/// <param name="Source">Where the limit comes from; written as <c>configured</c>, <c>server</c>, <c>session-pooler-cap</c> or <c>unknown</c>.</param>
public sealed record ConnectionBudget(int? ServerMaxConnections, double Fraction, int Replicas, int? PerReplicaAllowance, ConnectionBudgetSource Source)
{
    /// <summary>Computes the per-replica allowance; a whole connection, rounded down, never below 1.</summary>
    public static ConnectionBudget FromServer(int? serverMaxConnections, double fraction, int replicas, ConnectionBudgetSource source)
    {
        // The epsilon keeps 60 × 1/3 at 20 rather than 19.999...
        int? allowance = serverMaxConnections is { } max
            ? Math.Max(1, (int)Math.Floor((max * fraction / replicas) + 1e-9))
            : null;

        return new ConnectionBudget(serverMaxConnections, fraction, replicas, allowance, serverMaxConnections is null ? ConnectionBudgetSource.Unknown : source);
    }

    /// <summary>Behind a session pooler every pooled connection is a pooler client: the cap is shared by the replicas.</summary>
    public static ConnectionBudget FromSessionPoolerCap(int clientCap, int replicas) =>
        new(null, 1, replicas, Math.Max(1, clientCap / replicas), ConnectionBudgetSource.SessionPoolerCap) { ClientCap = clientCap };

    /// <summary>The most server connections all replicas together may hold (<c>max_connections × Fraction</c>), or null when unknown.</summary>
    public int? Total => Source == ConnectionBudgetSource.SessionPoolerCap || ServerMaxConnections is not { } max
        ? null
        : (int)Math.Floor((max * Fraction) + 1e-9);

    /// <summary>The session pooler's client cap, when that is the limit.</summary>
    public int? ClientCap { get; init; }

    /// <summary>The share as a whole percentage, e.g. <c>33%</c>.</summary>
    public string FractionPercent => (Fraction * 100).ToString("0", System.Globalization.CultureInfo.InvariantCulture) + "%";

    /// <summary>True when <paramref name="maxPoolSize"/> would take more than this replica's allowance.</summary>
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

/// <summary>Where a <see cref="ConnectionBudget"/>'s limit comes from; JSON writes it in kebab-case (<c>session-pooler-cap</c>).</summary>
[JsonConverter(typeof(KebabCaseEnumConverter<ConnectionBudgetSource>))]
public enum ConnectionBudgetSource
{
    /// <summary><c>ConnectionPool:ServerMaxConnections</c> sets the server's <c>max_connections</c>.</summary>
    Configured,

    /// <summary>The server said its <c>max_connections</c> at start.</summary>
    Server,

    /// <summary>Behind a session pooler its client cap (<c>ConnectionPool:SessionPoolerClientCap</c>) is the limit.</summary>
    SessionPoolerCap,

    /// <summary>Neither configured nor read from the server.</summary>
    Unknown,
}
