namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// The connection-pool policy, bound from the <c>ConnectionPool</c> configuration section and validated at start.
/// Keywords written in the connection string itself win over these settings, unless they are unsafe for the
/// connection mode, in which case the service refuses to start and says why.
/// </summary>
public sealed class ConnectionPoolOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "ConnectionPool";

    /// <summary>The default <see cref="TimeoutSeconds"/>: 60 s to connect or to wait for a free connection, so a burst of
    /// requests queues for a connection rather than failing.</summary>
    public const int DefaultTimeoutSeconds = 60;

    /// <summary>The default maximum pool size for direct connections: 20, a third of Supabase Free's 60 server connections.</summary>
    public const int DefaultDirectMaxPoolSize = 20;

    /// <summary>The default maximum pool size behind a transaction pooler: 10. Supavisor runs every client's transactions on its
    /// own 15 server connections (Nano to Medium), so more clients from one replica would only queue there.</summary>
    public const int DefaultTransactionPoolerMaxPoolSize = 10;

    /// <summary>The default client cap of a session pooler: Supavisor's pool size on Supabase plans up to Medium.</summary>
    public const int DefaultSessionPoolerClientCap = 15;

    /// <summary>The default share of the server's connections for direct connections: a third (20 of Supabase Free's 60),
    /// leaving the rest to Supabase's own services and other clients.</summary>
    public const double DefaultDirectBudgetFraction = 1.0 / 3;

    /// <summary>The default share of the server's connections behind a pooler: Supabase advises at most 40%.</summary>
    public const double DefaultPoolerBudgetFraction = 0.4;

    /// <summary>The default <see cref="MaxAutoPrepare"/> where prepared statements work.</summary>
    public const int DefaultMaxAutoPrepare = 20;

    /// <summary>The default <see cref="MinPoolSize"/> behind a transaction pooler: 2 warm connections per replica. A client
    /// socket there holds no server connection, and a pooler that shut its idle pool down can take 12-93 s to connect
    /// again (Supavisor), so a quiet minute must not end in a cold connect.</summary>
    public const int DefaultTransactionPoolerMinPoolSize = 2;

    /// <summary>The default <see cref="ConnectTimeoutSeconds"/>: 5 s, ten times a TLS and SCRAM login over the internet
    /// (about 0.5 s), far below a cold pooler's 12-93 s.</summary>
    public const int DefaultConnectTimeoutSeconds = 5;

    /// <summary>The default <see cref="LoginBackoffSeconds"/>: the first pause after a refused login.</summary>
    public const int DefaultLoginBackoffSeconds = 5;

    /// <summary>The default <see cref="LoginBackoffMaxSeconds"/>: the pause after refused logins grows to a minute.</summary>
    public const int DefaultLoginBackoffMaxSeconds = 60;

    /// <summary>The default <see cref="StatementTimeoutMs"/>: 5 s, five times the 1 s answer goal and well past the 800 ms
    /// retry budget; a request's query still running then has failed its caller already. Below Supabase's 8 s cap
    /// for the <c>authenticated</c> role.</summary>
    public const int DefaultStatementTimeoutMs = 5_000;

    /// <summary>The default <see cref="LockTimeoutMs"/>: 2 s. A request waiting longer for someone else's lock has missed its
    /// 1 s answer goal; the 503 with <c>Retry-After</c> frees its connection instead of queueing every request behind the lock.</summary>
    public const int DefaultLockTimeoutMs = 2_000;

    /// <summary>The default <see cref="IdleInTransactionTimeoutMs"/>: 10 s. The service never waits for a user inside a
    /// transaction, so a transaction idle that long is a leak holding locks and a server connection.</summary>
    public const int DefaultIdleInTransactionTimeoutMs = 10_000;

    /// <summary>The default <see cref="MigrationTimeoutMs"/>: 5 minutes for one migration or seed statement, or for the
    /// migration lock another replica holds while it migrates.</summary>
    public const int DefaultMigrationTimeoutMs = 300_000;

    /// <summary>The default <see cref="LongHoldWarningMs"/>: 5 s, the statement timeout: a connection held longer is held
    /// between statements (a leak, or slow work inside a transaction).</summary>
    public const int DefaultLongHoldWarningMs = 5_000;

    /// <summary>The default <see cref="SurgeReplicas"/>: one extra replica while a rolling update runs old and new side by side.</summary>
    public const int DefaultSurgeReplicas = 1;

    /// <summary>
    /// Overrides the detected connection mode: <c>direct</c>, <c>session-pooler</c> or <c>transaction-pooler</c>.
    /// Set it for a self-hosted PgBouncer, whose host and port say nothing. The default value is null (detect).
    /// </summary>
    public string? Mode { get; set; }

    /// <summary>
    /// Switches a Supabase connection to another mode on purpose: <c>keep</c> (the default), <c>session-pooler</c> or
    /// <c>direct</c>. The host, port and user name are rewritten together and both are logged (without the password).
    /// </summary>
    public string PreferredMode { get; set; } = "keep";

    /// <summary>
    /// <c>Maximum Pool Size</c> for each replica. The default value is null: 20 direct, 10 behind a transaction pooler,
    /// and behind a session pooler its client cap divided by the replicas.
    /// </summary>
    public int? MaxPoolSize { get; set; }

    /// <summary>
    /// <c>Minimum Pool Size</c>: connections kept open when idle, opened before <c>/health</c> first reports healthy.
    /// The default value is null: 0 direct and behind a session pooler, so an idle replica gives its server (or pooler)
    /// slots back (on a 60-connection server every idle connection is one another service lacks); 2 behind a
    /// transaction pooler, where an idle client costs no server connection and a cold connect can stall.
    /// </summary>
    public int? MinPoolSize { get; set; }

    /// <summary>
    /// The longest wait for a free connection in a full pool, in seconds. The default value is 60: a burst queues for a
    /// connection rather than failing. A <c>Timeout</c> written in the connection string sets it (and caps
    /// <see cref="ConnectTimeoutSeconds"/>).
    /// </summary>
    public int TimeoutSeconds { get; set; } = DefaultTimeoutSeconds;

    /// <summary>
    /// The longest a single connect (TCP, TLS and login) may take, in seconds, apart from the wait for a free pooled
    /// connection: Npgsql's <c>Timeout</c> bounds both, so the planned <c>Timeout</c> is this and the service waits for a
    /// free connection in slices of it up to <see cref="TimeoutSeconds"/>. A stalled connect (a cold pooler) then ends in
    /// a 503 after this long instead of holding a request for a minute. The default value is 5.
    /// </summary>
    public int ConnectTimeoutSeconds { get; set; } = DefaultConnectTimeoutSeconds;

    /// <summary>
    /// <c>Connection Idle Lifetime</c> in seconds: an idle connection above the minimum is closed after this long.
    /// The default value is 60 (Npgsql's is 300): after a burst, server slots come back within a minute.
    /// </summary>
    public int ConnectionIdleLifetimeSeconds { get; set; } = 60;

    /// <summary>
    /// <c>Connection Lifetime</c> in seconds: a connection older than this is closed when returned, so load spreads
    /// again after a failover or pooler restart. The default value is 1800 (30 minutes); 0 means forever.
    /// </summary>
    public int ConnectionLifetimeSeconds { get; set; } = 1800;

    /// <summary>
    /// <c>Keepalive</c> in seconds: an idle connection sends a tiny query this often, so a connection silently dropped
    /// by a NAT, load balancer or pooler is found before a request needs it. The default value is 30; 0 turns it off.
    /// </summary>
    public int KeepAliveSeconds { get; set; } = 30;

    /// <summary>
    /// <c>Max Auto Prepare</c>: how many statements Npgsql prepares automatically per connection (prepared statements
    /// are 1.2-1.8x faster for repeated queries). The default value is null: 20 direct and behind a session pooler,
    /// 0 behind a transaction pooler, where a non-zero value is refused.
    /// </summary>
    public int? MaxAutoPrepare { get; set; }

    /// <summary>
    /// True when a self-hosted PgBouncer in transaction mode keeps prepared statements across transactions (PgBouncer
    /// 1.21 or later with <c>max_prepared_statements</c> above 0). <c>Max Auto Prepare</c> is then allowed, and proven
    /// at start by a probe (prepare in one transaction, execute in another); when the probe fails, the service falls
    /// back to <c>Max Auto Prepare=0</c> with a warning. Supabase's dedicated pooler (<c>dedicated-pooler</c>) is probed
    /// without it. The default value is false.
    /// </summary>
    public bool PoolerPreparedStatements { get; set; }

    /// <summary>
    /// The first pause, in seconds, after the server or pooler refused the login (wrong password, unknown user): no
    /// connection is tried meanwhile, requests answer 503 with a <c>Retry-After</c> of the time left, and each further
    /// refusal doubles it up to <see cref="LoginBackoffMaxSeconds"/>. Supavisor bans a client address after repeated
    /// failed logins. The default value is 5.
    /// </summary>
    public int LoginBackoffSeconds { get; set; } = DefaultLoginBackoffSeconds;

    /// <summary>The longest pause after refused logins, in seconds. The default value is 60.</summary>
    public int LoginBackoffMaxSeconds { get; set; } = DefaultLoginBackoffMaxSeconds;

    /// <summary>The most clients a session pooler accepts (Supavisor's pool size: 15 on Nano to Medium). The default value is 15.</summary>
    public int SessionPoolerClientCap { get; set; } = DefaultSessionPoolerClientCap;

    /// <summary>
    /// The server's <c>max_connections</c> (60 on Supabase Nano and Micro, 90 Small, 120 Medium). The default value is
    /// null: the service reads <c>SHOW max_connections</c> when the server answers at start.
    /// </summary>
    public int? ServerMaxConnections { get; set; }

    /// <summary>
    /// The share of <see cref="ServerMaxConnections"/> this service may hold, all replicas together. The default value
    /// is null: a third for direct connections, 40% behind a pooler.
    /// </summary>
    public double? BudgetFraction { get; set; }

    /// <summary>How many replicas of this service run, each with its own pool. The AppHost sets it. The default value is 1.</summary>
    public int Replicas { get; set; } = 1;

    /// <summary>
    /// The most replicas an autoscaler may run. The default value is null: <see cref="Replicas"/>.
    /// </summary>
    public int? MaxReplicas { get; set; }

    /// <summary>
    /// Replicas that run on top of <see cref="MaxReplicas"/> for a while: a rolling update starts a new replica before it
    /// stops an old one. Each pool is sized so that <c>Maximum Pool Size × (MaxReplicas + SurgeReplicas)</c> stays within
    /// the budget. The default value is 1; 0 when updates stop a replica before starting its successor.
    /// </summary>
    public int SurgeReplicas { get; set; } = DefaultSurgeReplicas;

    /// <summary>
    /// <c>statement_timeout</c> in milliseconds for the service's own queries (0: none). The default value is 5000.
    /// </summary>
    public int StatementTimeoutMs { get; set; } = DefaultStatementTimeoutMs;

    /// <summary>
    /// <c>lock_timeout</c> in milliseconds: how long a query waits for a lock another session holds (0: forever). The default value is 2000.
    /// </summary>
    public int LockTimeoutMs { get; set; } = DefaultLockTimeoutMs;

    /// <summary>
    /// <c>idle_in_transaction_session_timeout</c> in milliseconds: a transaction left idle longer is ended by the server
    /// (0: never). The default value is 10000.
    /// </summary>
    public int IdleInTransactionTimeoutMs { get; set; } = DefaultIdleInTransactionTimeoutMs;

    /// <summary>
    /// <c>statement_timeout</c> and <c>lock_timeout</c> in milliseconds while migrations and the seed run. The default value is 300000 (5 minutes).
    /// </summary>
    public int MigrationTimeoutMs { get; set; } = DefaultMigrationTimeoutMs;

    /// <summary>
    /// A connection held longer than this many milliseconds is logged once, with the HTTP route and trace id, and counted
    /// in <c>listings.pool.long_holds</c>. The default value is 5000.
    /// </summary>
    public int LongHoldWarningMs { get; set; } = DefaultLongHoldWarningMs;

    /// <summary>
    /// How often, in seconds, the service counts its replicas' server connections in <c>pg_stat_activity</c> and reports
    /// <c>/health</c> Degraded when they pass the budget. The default value is 60.
    /// </summary>
    public int FleetCheckSeconds { get; set; } = 60;

    /// <summary>The replicas the budget is shared by: <see cref="MaxReplicas"/> (or <see cref="Replicas"/>) plus <see cref="SurgeReplicas"/>.</summary>
    internal int BudgetReplicas => (MaxReplicas ?? Replicas) + SurgeReplicas;

    /// <summary>
    /// When true, a pool over its budget stops the service at start instead of logging a warning. The default value is false.
    /// </summary>
    public bool Strict { get; set; }
}
