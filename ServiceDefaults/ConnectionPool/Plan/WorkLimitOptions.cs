using System.ComponentModel.DataAnnotations;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>Bounds on a connection's work: the server's timeouts, and how long a hold may last before it is reported.</summary>
public sealed class WorkLimitOptions
{
    /// <summary>
    /// <c>statement_timeout</c> of the service's queries in milliseconds (0: none): five times the 1 s answer goal, below
    /// Supabase's 8 s cap for <c>authenticated</c>. The default value is 5000.
    /// </summary>
    [Range(0, 86_400_000)]
    public int StatementTimeoutMs { get; set; } = 5_000;

    /// <summary>
    /// <c>lock_timeout</c> in milliseconds (0: forever): a request waiting longer for someone else's lock has missed its
    /// answer goal, and its 503 frees the connection. The default value is 2000.
    /// </summary>
    [Range(0, 86_400_000)]
    public int LockTimeoutMs { get; set; } = 2_000;

    /// <summary>
    /// <c>idle_in_transaction_session_timeout</c> in milliseconds (0: never): a transaction idle that long is a leak.
    /// The default value is 10000.
    /// </summary>
    [Range(0, 86_400_000)]
    public int IdleInTransactionTimeoutMs { get; set; } = 10_000;

    /// <summary>
    /// <c>statement_timeout</c> and <c>lock_timeout</c> in milliseconds while migrations and the seed run. The default value is 300000.
    /// </summary>
    [Range(0, 86_400_000)]
    public int MigrationTimeoutMs { get; set; } = 300_000;

    /// <summary>A connection held longer, in milliseconds, is logged once and counted. The default value is 5000.</summary>
    [Range(1, 86_400_000)]
    public int LongHoldWarningMs { get; set; } = 5_000;
}
