using System.Globalization;
using System.Text.Json.Serialization;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// The server-side bounds on one request's work, in milliseconds (0: none). Direct and session connections carry them
/// as start-up options of every physical connection (<see cref="ToStartupOptions"/>); behind a transaction pooler,
/// where session settings leak to other clients, every command sets them for its own transaction (<see cref="ToSetLocal"/>).
/// </summary>
/// <param name="StatementTimeoutMs"><c>statement_timeout</c>.</param>
/// <param name="LockTimeoutMs"><c>lock_timeout</c>.</param>
/// <param name="IdleInTransactionTimeoutMs"><c>idle_in_transaction_session_timeout</c>.</param>
public sealed record StatementLimits(int StatementTimeoutMs, int LockTimeoutMs, int IdleInTransactionTimeoutMs)
{
    /// <summary>The server parameters, by name (JSON has the three properties instead).</summary>
    [JsonIgnore]
    public IEnumerable<(string Name, int Milliseconds)> Parameters =>
    [
        ("statement_timeout", StatementTimeoutMs),
        ("lock_timeout", LockTimeoutMs),
        ("idle_in_transaction_session_timeout", IdleInTransactionTimeoutMs),
    ];

    /// <summary>The request limits of <paramref name="options"/>.</summary>
    public static StatementLimits ForRequests(WorkLimitOptions options) =>
        new(options.StatementTimeoutMs, options.LockTimeoutMs, options.IdleInTransactionTimeoutMs);

    /// <summary>The limits while migrations and the seed run: long statements, and a long wait for the migration lock.</summary>
    public static StatementLimits ForMigrations(WorkLimitOptions options) =>
        new(options.MigrationTimeoutMs, options.MigrationTimeoutMs, options.IdleInTransactionTimeoutMs);

    /// <summary>Npgsql's <c>Options</c> value, e.g. <c>-c statement_timeout=5000 -c lock_timeout=2000 ...</c>.</summary>
    public string ToStartupOptions(IReadOnlySet<string> skip) => string.Join(' ', Parameters
        .Where(parameter => !skip.Contains(parameter.Name))
        .Select(parameter => string.Create(CultureInfo.InvariantCulture, $"-c {parameter.Name}={parameter.Milliseconds}")));

    /// <summary>
    /// One statement that sets the limits for the current transaction only: <c>set_config(..., true)</c>, what
    /// <c>SET LOCAL</c> does, inside a <c>DO</c> block, which returns no rows. A command's statements run as one implicit
    /// transaction (one Sync), but not a transaction block, where <c>SET LOCAL</c> would still apply yet log
    /// "WARNING: SET LOCAL can only be used in transaction blocks" on the server for every command; <c>set_config</c> does not.
    /// </summary>
    public string ToSetLocal() => "DO $$BEGIN " + string.Concat(Parameters.Select(parameter => string.Create(
        CultureInfo.InvariantCulture, $"PERFORM set_config('{parameter.Name}', '{parameter.Milliseconds}', true); "))) + "END$$;";

    /// <summary>
    /// The statements that set the limits for the rest of the session, each ending in <c>;</c>: for one flow that holds
    /// its connection open on a direct or session connection (migrations and the seed). Npgsql's reset on return to
    /// the pool ends them.
    /// </summary>
    public string ToSetSession() => string.Concat(Parameters
        .Select(parameter => string.Create(CultureInfo.InvariantCulture, $"SET {parameter.Name} = {parameter.Milliseconds};")));

    /// <summary>A human summary, e.g. <c>statement 5000 ms, lock 2000 ms, idle in transaction 10000 ms</c>.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"statement {StatementTimeoutMs} ms, lock {LockTimeoutMs} ms, idle in transaction {IdleInTransactionTimeoutMs} ms");
}
