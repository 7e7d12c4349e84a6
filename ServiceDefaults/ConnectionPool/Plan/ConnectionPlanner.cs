using Npgsql;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// Turns a connection string and the <see cref="ConnectionPoolOptions"/> into a <see cref="ConnectionPlan"/>: the mode,
/// a pool sized and bounded for it and for the server's budget, and the settings that mode needs. Pure: the same
/// inputs give the same plan, which the service, <c>db-info</c> and the tests all use.
/// </summary>
public static class ConnectionPlanner
{
    // Canonical keyword names, as NpgsqlConnectionStringBuilder.Keys reports what a connection string set.
    private const string MaxPoolSizeKeyword = "Maximum Pool Size";
    private const string MinPoolSizeKeyword = "Minimum Pool Size";
    private const string TimeoutKeyword = "Timeout";
    private const string IdleLifetimeKeyword = "Connection Idle Lifetime";
    private const string LifetimeKeyword = "Connection Lifetime";
    private const string KeepAliveKeyword = "Keepalive";
    private const string MaxAutoPrepareKeyword = "Max Auto Prepare";
    private const string NoResetOnCloseKeyword = "No Reset On Close";
    private const string SslModeKeyword = "SSL Mode";
    private const string ApplicationNameKeyword = "Application Name";
    private const string GssEncryptionModeKeyword = "GSS Encryption Mode";

    /// <summary>The smallest pool worth running: cores × 2 of a 2-core replica (HikariCP's rule of thumb).</summary>
    internal const int MinimumUsefulPoolSize = 4;

    /// <summary>The warning of a plan made before the server said its <c>max_connections</c>.</summary>
    internal const string UnknownServerLimitWarning =
        "The server's max_connections is unknown, so the pool cannot be checked against it: set ConnectionPool:ServerMaxConnections (60 on Supabase Nano and Micro).";

    /// <summary>Plans the connection.</summary>
    /// <param name="connectionString">The connection string or URL as configured, or null when none is.</param>
    /// <param name="source">The setting it came from, named in messages (e.g. <c>ConnectionStrings:listingsdb</c>).</param>
    /// <param name="options">The pool policy.</param>
    /// <param name="serverMaxConnections">The server's <c>max_connections</c> when it was read, used unless configured.</param>
    /// <param name="applicationName">Set as <c>Application Name</c> unless the connection string names one, so the
    /// service's connections are recognizable in <c>pg_stat_activity</c>.</param>
    /// <param name="kerberosConfigured">Whether this machine has a Kerberos configuration; null: look
    /// (<see cref="KerberosConfiguration.IsPresent"/>).</param>
    public static ConnectionPlan Plan(
        string? connectionString, string source, ConnectionPoolOptions options, int? serverMaxConnections = null, string? applicationName = null,
        bool? kerberosConfigured = null)
    {
        var optionErrors = ConnectionPoolOptionsValidator.Check(options);
        if (optionErrors.Count > 0)
        {
            return new ConnectionPlan { Source = source, Errors = optionErrors };
        }

        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return new ConnectionPlan
            {
                Source = source,
                Errors = [$"No database connection is configured: set {source} (an Npgsql connection string or a postgresql:// URL)."],
            };
        }

        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = DatabaseConnectionString.Parse(connectionString, source);
        }
        catch (ConnectionStringFormatException error)
        {
            return new ConnectionPlan { Source = source, Errors = [error.Message] };
        }

        var errors = new List<string>();
        var warnings = new List<string>();
        var written = builder.Keys.Cast<string>().ToHashSet(StringComparer.OrdinalIgnoreCase);

        var modeConfigured = ConnectionModeNames.TryParse(options.Mode, out var configuredMode);
        var mode = modeConfigured ? configuredMode : ConnectionModeDetector.Detect(builder.Host, builder.Port, builder.Username);

        var rewrite = SwitchMode(builder, options, ref mode, modeConfigured, errors, warnings);

        RequireTls(builder, written, warnings);

        var budget = PlanBudget(options, mode, serverMaxConnections);
        var (maxPoolSize, chosenBy) = PlanMaxPoolSize(builder, written, options, mode, budget, errors, warnings);
        var minPoolSize = written.Contains(MinPoolSizeKeyword) ? builder.MinPoolSize : options.MinPoolSize;
        if (minPoolSize > maxPoolSize)
        {
            errors.Add($"Minimum Pool Size ({minPoolSize}) is above Maximum Pool Size ({maxPoolSize}): lower ConnectionPool:MinPoolSize or 'Minimum Pool Size'.");
        }

        var (maxAutoPrepare, noResetOnClose, probe) = PlanStatementSettings(builder, written, options, mode, errors, warnings);

        // Npgsql's Timeout bounds both a connect and the wait for a free connection; the plan gives it the connect's
        // bound, and the service waits for a free connection in slices of it up to the longer wait (ConnectionOpener).
        var poolWait = written.Contains(TimeoutKeyword) ? builder.Timeout : options.TimeoutSeconds;
        var connectTimeout = Math.Min(options.ConnectTimeoutSeconds, poolWait);

        builder.MaxPoolSize = maxPoolSize;
        builder.MinPoolSize = Math.Min(minPoolSize ?? DefaultMinPoolSize(mode), maxPoolSize);
        builder.Timeout = connectTimeout;
        builder.ConnectionIdleLifetime = written.Contains(IdleLifetimeKeyword) ? builder.ConnectionIdleLifetime : options.ConnectionIdleLifetimeSeconds;
        builder.ConnectionLifetime = written.Contains(LifetimeKeyword) ? builder.ConnectionLifetime : options.ConnectionLifetimeSeconds;
        builder.KeepAlive = written.Contains(KeepAliveKeyword) ? builder.KeepAlive : options.KeepAliveSeconds;
        // Until the probe at start proves that the pooler keeps prepared statements, the connection prepares none.
        builder.MaxAutoPrepare = probe ? 0 : maxAutoPrepare;
        builder.NoResetOnClose = noResetOnClose;
        if (!written.Contains(ApplicationNameKeyword) && !string.IsNullOrEmpty(applicationName))
        {
            builder.ApplicationName = applicationName;
        }

        CheckBudget(budget, maxPoolSize, options, errors, warnings);

        var limits = StatementLimits.ForRequests(options);
        var limitsBy = PlanStatementLimits(builder, written, mode, limits);
        var gss = PlanGssEncryption(builder, written, mode, kerberosConfigured ?? KerberosConfiguration.IsPresent());

        return new ConnectionPlan
        {
            Source = source,
            Mode = mode,
            ModeConfigured = modeConfigured,
            Host = builder.Host,
            Port = builder.Port,
            Database = builder.Database,
            Username = builder.Username,
            SslMode = builder.SslMode.ToString(),
            MaxPoolSize = maxPoolSize,
            MaxPoolSizeChosenBy = chosenBy,
            MinPoolSize = builder.MinPoolSize,
            TimeoutSeconds = poolWait,
            ConnectTimeoutSeconds = connectTimeout,
            MaxAutoPrepare = maxAutoPrepare,
            PreparedStatementsNeedProbe = probe,
            NoResetOnClose = noResetOnClose,
            ConnectionIdleLifetimeSeconds = builder.ConnectionIdleLifetime,
            ConnectionLifetimeSeconds = builder.ConnectionLifetime,
            KeepAliveSeconds = builder.KeepAlive,
            Replicas = options.Replicas,
            MaxReplicas = options.MaxReplicas ?? options.Replicas,
            SurgeReplicas = options.SurgeReplicas,
            Budget = budget,
            Limits = limits,
            LimitsSetBy = limitsBy,
            MigrationLimits = StatementLimits.ForMigrations(options),
            GssEncryptionMode = gss,
            ApplicationName = builder.ApplicationName,
            Warnings = warnings,
            Errors = errors,
            Advice = Advice(mode, options),
            Rewrite = rewrite,
            ConnectionString = builder.ConnectionString,
        };
    }

    private static string? SwitchMode(
        NpgsqlConnectionStringBuilder builder, ConnectionPoolOptions options, ref ConnectionMode mode, bool modeConfigured,
        List<string> errors, List<string> warnings)
    {
        var before = DatabaseConnectionString.Redact(builder);
        try
        {
            if (SupabaseModeSwitch.Apply(builder, options.PreferredMode, mode) is not { } note)
            {
                return null;
            }

            warnings.Add(note);
            if (!modeConfigured)
            {
                mode = ConnectionModeDetector.Detect(builder.Host, builder.Port, builder.Username);
            }

            return $"{before} => {DatabaseConnectionString.Redact(builder)}";
        }
        catch (InvalidOperationException error)
        {
            errors.Add(error.Message);
            return null;
        }
    }

    private static void RequireTls(NpgsqlConnectionStringBuilder builder, HashSet<string> written, List<string> warnings)
    {
        // Supabase does not enforce TLS by default; Npgsql's default (Prefer) would fall back to plain text.
        if (!SupabaseEndpoints.IsSupabaseHost(builder.Host) || builder.SslMode >= SslMode.Require)
        {
            return;
        }

        if (written.Contains(SslModeKeyword))
        {
            warnings.Add($"SSL Mode={builder.SslMode} was raised to Require: Supabase connections carry the password and the data over the internet.");
        }

        builder.SslMode = SslMode.Require;
    }

    private static (int MaxPoolSize, PoolSizeSource ChosenBy) PlanMaxPoolSize(
        NpgsqlConnectionStringBuilder builder, HashSet<string> written, ConnectionPoolOptions options, ConnectionMode mode,
        ConnectionBudget budget, List<string> errors, List<string> warnings)
    {
        var cap = options.SessionPoolerClientCap;
        var (maxPoolSize, chosenBy) = written.Contains(MaxPoolSizeKeyword)
            ? (builder.MaxPoolSize, PoolSizeSource.ConnectionString)
            : options.MaxPoolSize is { } configured
                ? (configured, PoolSizeSource.Configured)
                : FromModeAndBudget(mode, options, budget, warnings);

        if (mode == ConnectionMode.SessionPooler && maxPoolSize * options.Replicas > cap)
        {
            // Supavisor answers the 16th client with 'max clients reached in session mode'.
            errors.Add(
                $"Maximum Pool Size {maxPoolSize} × {options.Replicas} {Replicas(options.Replicas)} = {maxPoolSize * options.Replicas}"
                + $" exceeds the session pooler's client cap of {cap} (ConnectionPool:SessionPoolerClientCap): Supavisor would refuse"
                + $" clients with 'max clients reached in session mode'. Lower ConnectionPool:MaxPoolSize to {Math.Max(1, cap / options.Replicas)},"
                + " or use the transaction pooler (port 6543).");
        }

        return (maxPoolSize, chosenBy);
    }

    // Nothing written: the mode's default, unless the replicas' share of the server's budget is smaller.
    private static (int, PoolSizeSource) FromModeAndBudget(ConnectionMode mode, ConnectionPoolOptions options, ConnectionBudget budget, List<string> warnings)
    {
        var modeDefault = mode switch
        {
            ConnectionMode.Direct => ConnectionPoolOptions.DefaultDirectMaxPoolSize,
            ConnectionMode.TransactionPooler or ConnectionMode.DedicatedPooler => ConnectionPoolOptions.DefaultTransactionPoolerMaxPoolSize,
            _ => Math.Max(1, options.SessionPoolerClientCap / options.Replicas),
        };

        if (mode == ConnectionMode.SessionPooler || budget.PerReplicaAllowance is not { } allowance || allowance >= modeDefault)
        {
            return (modeDefault, PoolSizeSource.ModeDefault);
        }

        if (allowance < MinimumUsefulPoolSize)
        {
            warnings.Add(
                $"The budget leaves each replica {allowance} {Connections(allowance)} ({budget.Describe(allowance)}), fewer than the"
                + $" {MinimumUsefulPoolSize} a replica needs to serve requests side by side: lower ConnectionPool:MaxReplicas or"
                + " ConnectionPool:SurgeReplicas, or raise ConnectionPool:BudgetFraction if the server has room.");
        }

        return (allowance, PoolSizeSource.Budget);
    }

    private static string Connections(int count) => count == 1 ? "connection" : "connections";

    private static StatementLimitsSetBy PlanStatementLimits(
        NpgsqlConnectionStringBuilder builder, HashSet<string> written, ConnectionMode mode, StatementLimits limits)
    {
        if (mode.IsTransactionPooling())
        {
            // PgBouncer refuses the 'options' start-up parameter, and a session setting would reach the pooler's other clients.
            return StatementLimitsSetBy.SetLocal;
        }

        // A parameter the connection string's own Options sets wins.
        var existing = written.Contains("Options") ? builder.Options ?? "" : "";
        var skip = limits.Parameters.Select(parameter => parameter.Name)
            .Where(name => existing.Contains(name, StringComparison.OrdinalIgnoreCase))
            .ToHashSet(StringComparer.Ordinal);
        var added = limits.ToStartupOptions(skip);
        builder.Options = string.IsNullOrWhiteSpace(existing) ? added : $"{existing} {added}".Trim();
        return StatementLimitsSetBy.StartupOptions;
    }

    private static string PlanGssEncryption(NpgsqlConnectionStringBuilder builder, HashSet<string> written, ConnectionMode mode, bool kerberosConfigured)
    {
        // Npgsql 10 tries GSS first: a round trip per connect behind Supavisor, exception storms without GSS libraries
        // (npgsql#6416), a failure behind Supavisor at high latency (npgsql#6415). Nothing to gain without Kerberos.
        if (!written.Contains(GssEncryptionModeKeyword)
            && (SupabaseEndpoints.IsSupabaseHost(builder.Host) || mode != ConnectionMode.Direct || !kerberosConfigured))
        {
            builder.GssEncryptionMode = GssEncryptionMode.Disable;
        }

        return builder.GssEncryptionMode.ToString();
    }

    private static int DefaultMinPoolSize(ConnectionMode mode) =>
        mode.IsTransactionPooling() ? ConnectionPoolOptions.DefaultTransactionPoolerMinPoolSize : 0;

    private static (int MaxAutoPrepare, bool NoResetOnClose, bool Probe) PlanStatementSettings(
        NpgsqlConnectionStringBuilder builder, HashSet<string> written, ConnectionPoolOptions options, ConnectionMode mode,
        List<string> errors, List<string> warnings)
    {
        var writtenPrepare = written.Contains(MaxAutoPrepareKeyword) ? builder.MaxAutoPrepare : options.MaxAutoPrepare;
        if (!mode.IsTransactionPooling())
        {
            return (writtenPrepare ?? ConnectionPoolOptions.DefaultMaxAutoPrepare, written.Contains(NoResetOnCloseKeyword) && builder.NoResetOnClose, false);
        }

        var noResetOnClose = true;
        if (written.Contains(NoResetOnCloseKeyword) && !builder.NoResetOnClose)
        {
            warnings.Add("No Reset On Close=false is kept: every connection return sends DISCARD ALL through the transaction pooler, which resets nothing useful there.");
            noResetOnClose = false;
        }

        // PgBouncer 1.21+ with max_prepared_statements (Supabase's dedicated pooler runs 1.24) re-prepares a statement on
        // whichever server connection runs the next transaction; a probe at start proves it before any is prepared.
        if (mode == ConnectionMode.DedicatedPooler || options.PoolerPreparedStatements)
        {
            var prepare = writtenPrepare ?? ConnectionPoolOptions.DefaultMaxAutoPrepare;
            return (prepare, noResetOnClose, prepare > 0);
        }

        // Any other transaction pooler hands each transaction to any server connection: a statement prepared on one is
        // unknown on the next ('prepared statement "_p1" does not exist').
        if (writtenPrepare is > 0 and var askedFor)
        {
            errors.Add(
                $"Max Auto Prepare={askedFor} is unsafe behind a transaction pooler: prepared statements do not survive between"
                + " transactions there. Remove 'Max Auto Prepare' from the connection string and ConnectionPool:MaxAutoPrepare,"
                + " set ConnectionPool:PoolerPreparedStatements=true for a PgBouncer 1.21+ with max_prepared_statements,"
                + " or connect directly or through the session pooler (port 5432).");
        }

        return (0, noResetOnClose, false);
    }

    private static ConnectionBudget PlanBudget(ConnectionPoolOptions options, ConnectionMode mode, int? serverMaxConnections)
    {
        if (mode == ConnectionMode.SessionPooler)
        {
            return ConnectionBudget.FromSessionPoolerCap(options.SessionPoolerClientCap, options.Replicas);
        }

        var fraction = options.BudgetFraction ?? (mode == ConnectionMode.Direct
            ? ConnectionPoolOptions.DefaultDirectBudgetFraction
            : ConnectionPoolOptions.DefaultPoolerBudgetFraction);

        return options.ServerMaxConnections is { } configured
            ? ConnectionBudget.FromServer(configured, fraction, options.BudgetReplicas, ConnectionBudgetSource.Configured)
            : ConnectionBudget.FromServer(serverMaxConnections, fraction, options.BudgetReplicas, ConnectionBudgetSource.Server);
    }

    private static void CheckBudget(ConnectionBudget budget, int maxPoolSize, ConnectionPoolOptions options, List<string> errors, List<string> warnings)
    {
        if (budget.PerReplicaAllowance is not { } allowance)
        {
            warnings.Add(UnknownServerLimitWarning);
            return;
        }

        if (budget.Source == ConnectionBudgetSource.SessionPoolerCap || maxPoolSize <= allowance)
        {
            return;
        }

        var message =
            $"Maximum Pool Size {maxPoolSize} × {budget.Replicas} {Replicas(budget.Replicas)} (MaxReplicas + SurgeReplicas) = {maxPoolSize * budget.Replicas} exceeds the budget of"
            + $" {budget.Total} ({budget.FractionPercent} of {budget.ServerMaxConnections} server connections): lower ConnectionPool:MaxPoolSize"
            + $" to {allowance} (or remove it to let the budget size the pool), lower ConnectionPool:MaxReplicas or ConnectionPool:SurgeReplicas,"
            + " or raise ConnectionPool:BudgetFraction or ConnectionPool:ServerMaxConnections if the server has room.";

        (options.Strict ? errors : warnings).Add(options.Strict ? message + " (ConnectionPool:Strict is true.)" : message);
    }

    private static string Advice(ConnectionMode mode, ConnectionPoolOptions options) => mode switch
    {
        ConnectionMode.Direct => "direct connection: optimal for a long-running service (prepared statements and session state work).",
        ConnectionMode.SessionPooler =>
            $"session pooler: every pooled connection holds one of its {options.SessionPoolerClientCap} client slots for as long as it is open;"
            + " consider a direct connection for a long-running service, or the transaction pooler (port 6543) for many replicas.",
        ConnectionMode.DedicatedPooler => "dedicated pooler (PgBouncer): prepared statements once the probe at start proves them, no session"
            + " state between transactions; consider a direct connection for a long-running service.",
        _ => "transaction pooler: no prepared statements and no session state between transactions;"
            + " consider a direct connection (or the session pooler on port 5432) for a long-running service.",
    };

    private static string Replicas(int count) => count == 1 ? "replica" : "replicas";
}
