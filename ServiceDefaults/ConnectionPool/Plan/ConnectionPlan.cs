using System.Text.Json.Serialization;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// The connection and pool a service runs on, decided once at start. Everything here is safe to print except
/// <see cref="ConnectionString"/>.
/// </summary>
public sealed record ConnectionPlan
{
    /// <summary>The setting the connection came from.</summary>
    public string? Source { get; init; }

    /// <summary>What the host serves.</summary>
    public ConnectionRole Role { get; init; } = ConnectionRole.Primary;

    /// <summary>The connection mode, or null when the connection string could not be read.</summary>
    public ConnectionMode? Mode { get; init; }

    /// <summary>True when <c>ConnectionPool:Mode</c> set the mode.</summary>
    public bool ModeConfigured { get; init; }

    /// <summary>The server or pooler host.</summary>
    public string? Host { get; init; }

    /// <summary>The server or pooler port.</summary>
    public int? Port { get; init; }

    /// <summary>The database name.</summary>
    public string? Database { get; init; }

    /// <summary>The user name.</summary>
    public string? Username { get; init; }

    /// <summary>The TLS mode.</summary>
    public string? SslMode { get; init; }

    /// <summary><c>Maximum Pool Size</c> of each replica.</summary>
    public int MaxPoolSize { get; init; }

    /// <summary>
    /// Connections each replica keeps open beside its pool (the API's cache listener), counted in the budget with the pool.
    /// </summary>
    public int DedicatedConnections { get; init; }

    /// <summary>The most server connections one replica holds: <see cref="MaxPoolSize"/> + <see cref="DedicatedConnections"/>.</summary>
    public int ConnectionsPerReplica => MaxPoolSize + DedicatedConnections;

    /// <summary>What chose <see cref="MaxPoolSize"/>.</summary>
    public PoolSizeSource MaxPoolSizeChosenBy { get; init; }

    /// <summary><c>Minimum Pool Size</c> of each replica.</summary>
    public int MinPoolSize { get; init; }

    /// <summary>The longest wait for a free connection, in seconds.</summary>
    public int TimeoutSeconds { get; init; }

    /// <summary>The longest single connect, in seconds: Npgsql's <c>Timeout</c> in <see cref="ConnectionString"/>.</summary>
    public int ConnectTimeoutSeconds { get; init; }

    /// <summary><c>Max Auto Prepare</c>.</summary>
    public int MaxAutoPrepare { get; init; }

    /// <summary>True when statements are prepared only once a probe proves the pooler keeps them.</summary>
    public bool PreparedStatementsNeedProbe { get; init; }

    /// <summary>Why the probe kept prepared statements off, or null.</summary>
    public string? PreparedStatementsRefused { get; init; }

    /// <summary><c>No Reset On Close</c>.</summary>
    public bool NoResetOnClose { get; init; }

    /// <summary><c>Connection Idle Lifetime</c> in seconds.</summary>
    public int ConnectionIdleLifetimeSeconds { get; init; }

    /// <summary><c>Connection Lifetime</c> in seconds (0: forever).</summary>
    public int ConnectionLifetimeSeconds { get; init; }

    /// <summary><c>Keepalive</c> in seconds (0: off).</summary>
    public int KeepAliveSeconds { get; init; }

    /// <summary>The replicas that run.</summary>
    public int Replicas { get; init; }

    /// <summary>The most replicas that run in normal operation.</summary>
    public int MaxReplicas { get; init; }

    /// <summary>The extra replicas of a rolling update.</summary>
    public int SurgeReplicas { get; init; }

    /// <summary><c>ConnectionPool:Strict</c>.</summary>
    public bool Strict { get; init; }

    /// <summary>The bounds on a request's work on the server.</summary>
    public StatementLimits? Limits { get; init; }

    /// <summary>How <see cref="Limits"/> reach the server.</summary>
    public StatementLimitsSetBy LimitsSetBy { get; init; }

    /// <summary>The bounds while migrations and the seed run.</summary>
    public StatementLimits? MigrationLimits { get; init; }

    /// <summary><c>GSS Encryption Mode</c>.</summary>
    public string? GssEncryptionMode { get; init; }

    /// <summary><c>Application Name</c>.</summary>
    public string? ApplicationName { get; init; }

    /// <summary>The budget the plan is checked against.</summary>
    public ConnectionBudget? Budget { get; init; }

    /// <summary>True when the pool would hold more than its budget.</summary>
    public bool OverBudget => Budget?.IsExceededBy(ConnectionsPerReplica) == true;

    /// <summary>What the server said at start, or null when it did not answer.</summary>
    public ServerFacts? Server { get; init; }

    /// <summary>Why the server did not answer at start, or null.</summary>
    public ConnectionProblem? Problem { get; init; }

    /// <summary>The problem's message.</summary>
    public string? ServerError => Problem?.Message;

    /// <summary>What a person should know: defaults raised, settings kept, the budget overrun.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Why the plan is unsafe.</summary>
    public IReadOnlyList<string> Errors { get; init; } = [];

    /// <summary>What the start-up line says of the mode.</summary>
    public string? Advice { get; init; }

    /// <summary>The connection before and after <c>ConnectionPool:PreferredMode</c> rewrote it (passwords redacted), if it did.</summary>
    public string? Rewrite { get; init; }

    /// <summary>True with no error and within the budget, whether or not the server answered.</summary>
    public bool Safe => Errors.Count == 0 && !OverBudget;

    /// <summary>Why the service must not start: its errors, and with <see cref="Strict"/> a configuration problem.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> RefusalReasons => Problem is { IsConfiguration: true } problem && Strict
        ? [.. Errors, $"ConnectionPool:Strict is true and the connection fails ({problem.Name}): {problem.Message} Fix: {problem.Fix}"]
        : Errors;

    /// <summary>The connection string the pool runs on, password included: never log it.</summary>
    [JsonIgnore]
    public string? ConnectionString { get; init; }

    /// <summary>What the server's failed answer at start threw, for the login backoff.</summary>
    [JsonIgnore]
    internal Exception? ServerFailure { get; init; }
}

/// <summary>What chose a plan's <c>Maximum Pool Size</c>.</summary>
[JsonConverter(typeof(KebabCaseEnumConverter<PoolSizeSource>))]
public enum PoolSizeSource
{
    /// <summary>The mode's default (<see cref="ModePolicy"/>).</summary>
    ModeDefault,

    /// <summary>The replica's share of the budget, smaller than the mode's default.</summary>
    Budget,

    /// <summary><c>Maximum Pool Size</c> in the connection string.</summary>
    ConnectionString,

    /// <summary><c>ConnectionPool:MaxPoolSize</c>.</summary>
    Configured,
}

/// <summary>How a plan's <see cref="StatementLimits"/> reach the server.</summary>
[JsonConverter(typeof(KebabCaseEnumConverter<StatementLimitsSetBy>))]
public enum StatementLimitsSetBy
{
    /// <summary>Npgsql's <c>Options</c>, once per physical connection.</summary>
    StartupOptions,

    /// <summary>In front of every command, for its own transaction.</summary>
    SetLocal,
}
