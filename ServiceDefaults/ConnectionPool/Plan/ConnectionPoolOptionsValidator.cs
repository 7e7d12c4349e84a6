namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>Checks <see cref="ConnectionPoolOptions"/> at start; every message names the key and what would be right.</summary>
public sealed class ConnectionPoolOptionsValidator() : SettingsValidator<ConnectionPoolOptions>(Check)
{
    private const string Section = ConnectionPoolOptions.SectionName;

    /// <summary>The problems with <paramref name="options"/>, empty when there are none.</summary>
    public static List<string> Check(ConnectionPoolOptions options)
    {
        var failures = new List<string>();

        if (options.Mode is not null && !ConnectionModeNames.TryParse(options.Mode, out _))
        {
            failures.Add($"{Section}:Mode is '{options.Mode}': use direct, session-pooler, transaction-pooler or dedicated-pooler, or leave it unset to detect the mode.");
        }

        if (!string.Equals(options.PreferredMode, SupabaseModeSwitch.Keep, StringComparison.OrdinalIgnoreCase)
            && !(ConnectionModeNames.TryParse(options.PreferredMode, out var preferred) && preferred is ConnectionMode.Direct or ConnectionMode.SessionPooler))
        {
            failures.Add($"{Section}:PreferredMode is '{options.PreferredMode}': use keep, session-pooler or direct.");
        }

        Range(failures, "MaxPoolSize", options.MaxPoolSize, 1, 1024);
        Range(failures, "MinPoolSize", options.MinPoolSize, 0, 1024);
        if (options.MaxPoolSize is { } max && options.MinPoolSize > max)
        {
            failures.Add($"{Section}:MinPoolSize ({options.MinPoolSize}) is above {Section}:MaxPoolSize ({max}): lower it.");
        }

        // Npgsql caps Timeout at 1024 seconds.
        Range(failures, "TimeoutSeconds", options.TimeoutSeconds, 1, 1024);
        Range(failures, "ConnectTimeoutSeconds", options.ConnectTimeoutSeconds, 1, 1024);
        Range(failures, "LoginBackoffSeconds", options.LoginBackoffSeconds, 1, 3_600);
        Range(failures, "LoginBackoffMaxSeconds", options.LoginBackoffMaxSeconds, 1, 3_600);
        if (options.LoginBackoffMaxSeconds < options.LoginBackoffSeconds)
        {
            failures.Add($"{Section}:LoginBackoffMaxSeconds ({options.LoginBackoffMaxSeconds}) is below {Section}:LoginBackoffSeconds ({options.LoginBackoffSeconds}): raise it.");
        }

        Range(failures, "ConnectionIdleLifetimeSeconds", options.ConnectionIdleLifetimeSeconds, 1, 86_400);
        Range(failures, "ConnectionLifetimeSeconds", options.ConnectionLifetimeSeconds, 0, 86_400);
        Range(failures, "KeepAliveSeconds", options.KeepAliveSeconds, 0, 3_600);
        Range(failures, "MaxAutoPrepare", options.MaxAutoPrepare, 0, 256);
        Range(failures, "SessionPoolerClientCap", options.SessionPoolerClientCap, 1, 10_000);
        Range(failures, "ServerMaxConnections", options.ServerMaxConnections, 1, 262_143);
        Range(failures, "Replicas", options.Replicas, 1, 1_000);
        Range(failures, "MaxReplicas", options.MaxReplicas, 1, 1_000);
        Range(failures, "SurgeReplicas", options.SurgeReplicas, 0, 1_000);
        if (options.MaxReplicas is { } maxReplicas && maxReplicas < options.Replicas)
        {
            failures.Add($"{Section}:MaxReplicas ({maxReplicas}) is below {Section}:Replicas ({options.Replicas}): raise it, or leave it unset to use Replicas.");
        }

        // PostgreSQL takes these as int milliseconds; a day is far past any request.
        Range(failures, "StatementTimeoutMs", options.StatementTimeoutMs, 0, 86_400_000);
        Range(failures, "LockTimeoutMs", options.LockTimeoutMs, 0, 86_400_000);
        Range(failures, "IdleInTransactionTimeoutMs", options.IdleInTransactionTimeoutMs, 0, 86_400_000);
        Range(failures, "MigrationTimeoutMs", options.MigrationTimeoutMs, 0, 86_400_000);
        Range(failures, "FleetCheckSeconds", options.FleetCheckSeconds, 1, 86_400);
        Range(failures, "LongHoldWarningMs", options.LongHoldWarningMs, 1, 86_400_000);

        if (options.BudgetFraction is { } fraction && (double.IsNaN(fraction) || fraction is <= 0 or > 1))
        {
            failures.Add($"{Section}:BudgetFraction is {fraction}: use a share above 0 and at most 1, e.g. 0.33 (a third) or 0.4.");
        }

        return failures;
    }

    private static void Range(List<string> failures, string key, int? value, int min, int max)
    {
        if (value is { } number && (number < min || number > max))
        {
            failures.Add($"{Section}:{key} is {number}: use a whole number from {min} to {max}.");
        }
    }
}
