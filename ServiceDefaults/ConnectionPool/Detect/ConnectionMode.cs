using System.Text.Json.Serialization;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>How the service reaches PostgreSQL, which decides what its pool may do; written in kebab-case (<c>session-pooler</c>).</summary>
[JsonConverter(typeof(KebabCaseEnumConverter<ConnectionMode>))]
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
    /// <c>ConnectionPool:PoolerPreparedStatements</c> says the PgBouncer keeps them.
    /// </summary>
    TransactionPooler,

    /// <summary>
    /// Supabase's dedicated pooler (<c>db.&lt;ref&gt;.supabase.co:6543</c>, PgBouncer 1.24): transaction mode, but it
    /// keeps protocol-level prepared statements across transactions once a probe at start proves it.
    /// </summary>
    DedicatedPooler,
}

/// <summary>The names of <see cref="ConnectionMode"/> in configuration, logs and <c>db-info</c>.</summary>
public static class ConnectionModeNames
{
    /// <summary>True for the modes that pool per transaction: no session state survives between transactions.</summary>
    public static bool IsTransactionPooling(this ConnectionMode mode) =>
        mode is ConnectionMode.TransactionPooler or ConnectionMode.DedicatedPooler;

    /// <summary>The configuration name of <paramref name="mode"/>, e.g. <c>session-pooler</c>.</summary>
    public static string ToName(this ConnectionMode mode) => KebabCase.Name(mode);

    /// <summary>Reads a mode name (case-insensitive); false for anything else.</summary>
    public static bool TryParse(string? name, out ConnectionMode mode)
    {
        foreach (var candidate in Enum.GetValues<ConnectionMode>())
        {
            if (string.Equals(name?.Trim(), candidate.ToName(), StringComparison.OrdinalIgnoreCase))
            {
                mode = candidate;
                return true;
            }
        }

        mode = default;
        return false;
    }
}
