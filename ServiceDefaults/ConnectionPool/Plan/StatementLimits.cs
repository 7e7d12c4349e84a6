using System.Globalization;
using System.Text.Json.Serialization;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>The server-side bounds on one request's work, in milliseconds (0: none).</summary>
/// <param name="StatementTimeoutMs"><c>statement_timeout</c>.</param>
/// <param name="LockTimeoutMs"><c>lock_timeout</c>.</param>
/// <param name="IdleInTransactionTimeoutMs"><c>idle_in_transaction_session_timeout</c>.</param>
public sealed record StatementLimits(int StatementTimeoutMs, int LockTimeoutMs, int IdleInTransactionTimeoutMs)
{
    /// <summary>The server parameters, by name.</summary>
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

    /// <summary>The limits while migrations and the seed run, which may wait long for the migration lock.</summary>
    public static StatementLimits ForMigrations(WorkLimitOptions options) =>
        new(options.MigrationTimeoutMs, options.MigrationTimeoutMs, options.IdleInTransactionTimeoutMs);

    /// <summary>Npgsql's <c>Options</c> value (<c>-c statement_timeout=...</c>), without the parameters in <paramref name="skip"/>.</summary>
    public string ToStartupOptions(IReadOnlySet<string> skip) => string.Join(' ', Parameters
        .Where(parameter => !skip.Contains(parameter.Name))
        .Select(parameter => string.Create(CultureInfo.InvariantCulture, $"-c {parameter.Name}={parameter.Milliseconds}")));

    /// <summary>
    /// One statement that sets the limits for the current transaction only: <c>set_config(..., true)</c> in a <c>DO</c>
    /// block. A command's implicit transaction is not a transaction block, where <c>SET LOCAL</c> would apply but log
    /// "WARNING: SET LOCAL can only be used in transaction blocks" for every command.
    /// </summary>
    public string ToSetLocal() => "DO $$BEGIN " + string.Concat(Parameters.Select(parameter => string.Create(
        CultureInfo.InvariantCulture, $"PERFORM set_config('{parameter.Name}', '{parameter.Milliseconds}', true); "))) + "END$$;";

    /// <summary>
    /// <c>SET</c> statements for the rest of the session, for a flow that holds a direct or session connection open
    /// (migrations and the seed); Npgsql's reset on return to the pool ends them.
    /// </summary>
    public string ToSetSession() => string.Concat(Parameters
        .Select(parameter => string.Create(CultureInfo.InvariantCulture, $"SET {parameter.Name} = {parameter.Milliseconds};")));

    /// <summary>A human summary.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"statement {StatementTimeoutMs} ms, lock {LockTimeoutMs} ms, idle in transaction {IdleInTransactionTimeoutMs} ms");
}
