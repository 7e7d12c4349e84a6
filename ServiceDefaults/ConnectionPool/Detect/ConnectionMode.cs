namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>How the service reaches PostgreSQL, which decides what its pool may do.</summary>
public enum ConnectionMode
{
    /// <summary>Straight to the server (self-hosted, or <c>db.&lt;ref&gt;.supabase.co:5432</c>): prepared statements and session state work.</summary>
    Direct,

    /// <summary>
    /// Through a pooler in session mode (Supavisor on <c>*.pooler.supabase.com:5432</c>): a server connection per
    /// client for the client's lifetime, and a hard cap on clients (15 on Supabase Nano and Micro).
    /// </summary>
    SessionPooler,

    /// <summary>
    /// Through a pooler in transaction mode (Supavisor on <c>:6543</c>, or a self-hosted PgBouncer): a server connection
    /// per transaction, so no session state between transactions and no prepared statements, unless
    /// <c>ConnectionPool:PoolerPreparedStatements</c> says the PgBouncer keeps them (proven at start).
    /// </summary>
    TransactionPooler,

    /// <summary>
    /// Supabase's dedicated pooler (<c>db.&lt;ref&gt;.supabase.co:6543</c>, PgBouncer 1.24): transaction mode like
    /// <see cref="TransactionPooler"/>, but it keeps protocol-level prepared statements across transactions, so
    /// <c>Max Auto Prepare</c> is on once a probe at start proves it.
    /// </summary>
    DedicatedPooler,
}

/// <summary>The names of <see cref="ConnectionMode"/> in configuration, logs and <c>db-info</c>.</summary>
public static class ConnectionModeNames
{
    /// <summary>The name of <see cref="ConnectionMode.Direct"/>.</summary>
    public const string Direct = "direct";

    /// <summary>The name of <see cref="ConnectionMode.SessionPooler"/>.</summary>
    public const string SessionPooler = "session-pooler";

    /// <summary>The name of <see cref="ConnectionMode.TransactionPooler"/>.</summary>
    public const string TransactionPooler = "transaction-pooler";

    /// <summary>The name of <see cref="ConnectionMode.DedicatedPooler"/>.</summary>
    public const string DedicatedPooler = "dedicated-pooler";

    /// <summary>True for the modes that pool per transaction: no session state survives between transactions.</summary>
    public static bool IsTransactionPooling(this ConnectionMode mode) =>
        mode is ConnectionMode.TransactionPooler or ConnectionMode.DedicatedPooler;

    /// <summary>The configuration name of <paramref name="mode"/>.</summary>
    public static string ToName(this ConnectionMode mode) => mode switch
    {
        ConnectionMode.Direct => Direct,
        ConnectionMode.SessionPooler => SessionPooler,
        ConnectionMode.TransactionPooler => TransactionPooler,
        ConnectionMode.DedicatedPooler => DedicatedPooler,
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, null),
    };

    /// <summary>Reads a mode name (case-insensitive); false for anything else.</summary>
    public static bool TryParse(string? name, out ConnectionMode mode)
    {
        switch (name?.Trim().ToLowerInvariant())
        {
            case Direct:
                mode = ConnectionMode.Direct;
                return true;
            case SessionPooler:
                mode = ConnectionMode.SessionPooler;
                return true;
            case TransactionPooler:
                mode = ConnectionMode.TransactionPooler;
                return true;
            case DedicatedPooler:
                mode = ConnectionMode.DedicatedPooler;
                return true;
            default:
                mode = default;
                return false;
        }
    }
}
