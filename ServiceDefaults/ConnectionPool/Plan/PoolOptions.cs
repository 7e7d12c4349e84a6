using System.ComponentModel.DataAnnotations;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// The connection and its pool: the <c>ConnectionPool</c> settings that shape each replica's <c>NpgsqlDataSource</c>.
/// Keywords written in the connection string win over these, unless unsafe for the mode (then the start is refused).
/// A null default means "the mode decides" (<see cref="ModePolicy"/>).
/// </summary>
public sealed class PoolOptions
{
    /// <summary>
    /// Overrides the detected connection mode: <c>direct</c>, <c>session-pooler</c>, <c>transaction-pooler</c> or
    /// <c>dedicated-pooler</c>. Set it for a self-hosted PgBouncer, whose host and port say nothing. The default value is
    /// null (detect from host, port and user).
    /// </summary>
    public string? Mode { get; set; }

    /// <summary>
    /// Switches a Supabase connection to another mode on purpose: <c>keep</c>, <c>session-pooler</c> or <c>direct</c>.
    /// Host, port and user are rewritten together and both are logged without the password. The default value is keep.
    /// </summary>
    public string PreferredMode { get; set; } = SupabaseModeSwitch.Keep;

    /// <summary><c>Maximum Pool Size</c> of each replica. The default value is null: the mode's size, at most the budget's share.</summary>
    [Range(1, 1024)]
    public int? MaxPoolSize { get; set; }

    /// <summary>
    /// <c>Minimum Pool Size</c>: connections kept open when idle, opened before <c>/health</c> first reports healthy. The
    /// default value is null: 0, or 2 behind a transaction pooler, where an idle client costs no server connection and a
    /// cold pooler can take many seconds to connect again.
    /// </summary>
    [Range(0, 1024)]
    public int? MinPoolSize { get; set; }

    /// <summary>
    /// The longest wait for a free connection in a full pool, in seconds: a burst queues rather than fails. A
    /// <c>Timeout</c> in the connection string sets it. The default value is 60.
    /// </summary>
    [Range(1, 1024)]
    public int TimeoutSeconds { get; set; } = 60;

    /// <summary>
    /// The longest a single connect (TCP, TLS, login) may take, in seconds: the plan's Npgsql <c>Timeout</c>; the wait for a
    /// free connection runs in slices of it up to <see cref="TimeoutSeconds"/>, so a stalled connect ends in a 503 instead
    /// of holding a request for a minute. The default value is 5.
    /// </summary>
    [Range(1, 1024)]
    public int ConnectTimeoutSeconds { get; set; } = 5;

    /// <summary><c>Connection Idle Lifetime</c> in seconds: idle connections above the minimum close after it. The default value is 60.</summary>
    [Range(1, 86_400)]
    public int ConnectionIdleLifetimeSeconds { get; set; } = 60;

    /// <summary>
    /// <c>Connection Lifetime</c> in seconds (0: forever): older connections close when returned, so load spreads again
    /// after a failover. The default value is 1800.
    /// </summary>
    [Range(0, 86_400)]
    public int ConnectionLifetimeSeconds { get; set; } = 1800;

    /// <summary>
    /// <c>Keepalive</c> in seconds (0: off): idle connections dropped by a NAT, load balancer or pooler are found before a
    /// request needs them. The default value is 30.
    /// </summary>
    [Range(0, 3_600)]
    public int KeepAliveSeconds { get; set; } = 30;

    /// <summary>
    /// <c>Max Auto Prepare</c>: statements Npgsql prepares per connection. The default value is null: 20, and 0 behind a
    /// transaction pooler, where more is refused unless <see cref="PoolerPreparedStatements"/> is true.
    /// </summary>
    [Range(0, 256)]
    public int? MaxAutoPrepare { get; set; }

    /// <summary>
    /// True when a self-hosted PgBouncer in transaction mode keeps prepared statements (1.21 or later with
    /// <c>max_prepared_statements</c>): a probe at start proves it before the pool prepares any. The default value is false.
    /// </summary>
    public bool PoolerPreparedStatements { get; set; }
}
