using System.Text.Json.Serialization;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>How the service reaches PostgreSQL, which decides what its pool may do.</summary>
[JsonConverter(typeof(KebabCaseEnumConverter<ConnectionMode>))]
public enum ConnectionMode
{
    /// <summary>Straight to the server: prepared statements and session state work.</summary>
    Direct,

    /// <summary>
    /// Through a pooler in session mode (Supavisor on <c>:5432</c>): a server connection per client for its lifetime,
    /// and a hard cap on clients (15 on Supabase Nano and Micro).
    /// </summary>
    SessionPooler,

    /// <summary>
    /// Through a pooler in transaction mode (Supavisor on <c>:6543</c>, or a self-hosted PgBouncer): no session state and
    /// no prepared statements between transactions.
    /// </summary>
    TransactionPooler,

    /// <summary>Supabase's dedicated PgBouncer: transaction mode, with prepared statements once a probe at start proves them.</summary>
    DedicatedPooler,
}

/// <summary>The names of <see cref="ConnectionMode"/> in configuration, logs and <c>db-info</c>.</summary>
public static class ConnectionModeNames
{
    /// <summary>True for the modes that pool per transaction.</summary>
    public static bool IsTransactionPooling(this ConnectionMode mode) =>
        mode is ConnectionMode.TransactionPooler or ConnectionMode.DedicatedPooler;

    /// <summary>The name of <paramref name="mode"/>, e.g. <c>session-pooler</c>.</summary>
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
