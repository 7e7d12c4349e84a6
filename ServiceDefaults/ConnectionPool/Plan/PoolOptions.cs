using System.ComponentModel.DataAnnotations;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// The connection mode and each replica's pool. Keywords in the connection string win over these; a null default means
/// the mode decides (<see cref="ModePolicy"/>).
/// </summary>
public sealed class PoolOptions
{
    /// <summary>
    /// Overrides the detected mode: set it for a self-hosted PgBouncer, whose host and port say nothing. The default value is
    /// null (detect from host, port and user).
    /// </summary>
    public string? Mode { get; set; }

    /// <summary>Switches a Supabase connection: <c>keep</c>, <c>session-pooler</c> or <c>direct</c>. The default value is keep.</summary>
    public string PreferredMode { get; set; } = SupabaseModeSwitch.Keep;

    /// <summary><c>Maximum Pool Size</c> of each replica. The default value is null: the mode's size, at most the budget's share.</summary>
    [Range(1, 1024)]
    public int? MaxPoolSize { get; set; }

    /// <summary>
    /// <c>Minimum Pool Size</c>, opened before <c>/health</c> first reports healthy. The
    /// default value is null: 0, or 2 behind a transaction pooler, where an idle client costs no server connection and a
    /// cold pooler can take many seconds to connect again.
    /// </summary>
    [Range(0, 1024)]
    public int? MinPoolSize { get; set; }

    /// <summary>The longest wait for a free connection, in seconds; a written <c>Timeout</c> sets it. The default value is 60.</summary>
    [Range(1, 1024)]
    public int TimeoutSeconds { get; set; } = 60;

    /// <summary>
    /// The longest single connect, in seconds: the plan's Npgsql <c>Timeout</c>, so a stalled connect ends in a 503
    /// (see <see cref="ConnectionOpener"/>). The default value is 5.
    /// </summary>
    [Range(1, 1024)]
    public int ConnectTimeoutSeconds { get; set; } = 5;

    /// <summary><c>Connection Idle Lifetime</c> in seconds. The default value is 60.</summary>
    [Range(1, 86_400)]
    public int ConnectionIdleLifetimeSeconds { get; set; } = 60;

    /// <summary>
    /// <c>Connection Lifetime</c> in seconds (0: forever), so load spreads again after a failover. The default value is 1800.
    /// </summary>
    [Range(0, 86_400)]
    public int ConnectionLifetimeSeconds { get; set; } = 1800;

    /// <summary>
    /// <c>Keepalive</c> in seconds (0: off): a connection dropped by a NAT or pooler is found before a request needs it.
    /// The default value is 30.
    /// </summary>
    [Range(0, 3_600)]
    public int KeepAliveSeconds { get; set; } = 30;

    /// <summary>
    /// <c>Max Auto Prepare</c>. The default value is null: 20, and 0 behind a
    /// transaction pooler, where more is refused unless <see cref="PoolerPreparedStatements"/> is true.
    /// </summary>
    [Range(0, 256)]
    public int? MaxAutoPrepare { get; set; }

    /// <summary>
    /// True when a self-hosted PgBouncer keeps prepared statements (1.21+ with <c>max_prepared_statements</c>); a probe
    /// at start checks it. The default value is false.
    /// </summary>
    public bool PoolerPreparedStatements { get; set; }
}
