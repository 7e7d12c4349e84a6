using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// Decides the connection plan, once: <see cref="PlanAsync"/> for the service and <c>db-info</c>, the pure <c>Plan</c>
/// for tests. The pool README's "The plan, decided once" says what happens when the server does not answer.
/// </summary>
public static class ConnectionPlanner
{
    /// <summary>The smallest pool worth running: cores × 2 of a 2-core replica (HikariCP's rule of thumb).</summary>
    internal const int MinimumUsefulPoolSize = 4;

    private const string MaxPoolSizeKeyword = "Maximum Pool Size";
    private const string MinPoolSizeKeyword = "Minimum Pool Size";
    private const string TimeoutKeyword = "Timeout";
    private const string MaxAutoPrepareKeyword = "Max Auto Prepare";
    private const string NoResetOnCloseKeyword = "No Reset On Close";

    /// <summary>
    /// Plans the connection <paramref name="connectionName"/> with the <c>ConnectionPool</c> settings, after asking the
    /// server for its <c>max_connections</c> and, where the mode needs it, running the prepared-statement probe.
    /// <paramref name="dedicatedConnections"/> are the connections the service keeps beside its pool: the budget counts them.
    /// </summary>
    public static async Task<ConnectionPlan> PlanAsync(
        IConfiguration configuration, string connectionName, string? applicationName, int dedicatedConnections = 0, CancellationToken cancellationToken = default)
    {
        var (connectionString, source) = ConnectionSource.Read(configuration, connectionName);
        ConnectionPoolOptions options;
        try
        {
            options = ConnectionPoolOptions.Bind(configuration);
        }
        catch (ConnectionPlanException error)
        {
            return new ConnectionPlan { Source = source, Errors = error.Reasons };
        }

        if (Target(connectionString, source, options, applicationName) is not { } target)
        {
            return Plan(connectionString, source, options, applicationName, dedicatedConnections: dedicatedConnections);
        }

        var survey = await ServerSurvey.ReadAsync(target, NeedsProbe(target, options), cancellationToken);
        return Plan(target, options, survey, dedicatedConnections);
    }

    /// <summary>Plans from a connection string without asking the server (as when it does not answer).</summary>
    public static ConnectionPlan Plan(
        string? connectionString, string source, ConnectionPoolOptions options, string? applicationName = null, bool? kerberosConfigured = null, int dedicatedConnections = 0)
    {
        var optionErrors = ConnectionPoolOptionsValidator.Check(options);
        if (optionErrors.Count > 0)
        {
            return new ConnectionPlan { Source = source, Errors = optionErrors };
        }

        return ConnectionTarget.TryRead(connectionString, source, options.Pool.Mode, options.Pool.PreferredMode, applicationName, kerberosConfigured, out var target, out var error)
            ? Plan(target!, options, dedicatedConnections: dedicatedConnections)
            : new ConnectionPlan { Source = source, Errors = [error!] };
    }

    /// <summary>
    /// Plans <paramref name="target"/> with valid <paramref name="options"/> and what the server said (null: nothing), for a
    /// pool plus <paramref name="dedicatedConnections"/> kept beside it. Pure.
    /// </summary>
    public static ConnectionPlan Plan(ConnectionTarget target, ConnectionPoolOptions options, ServerSurvey? survey = null, int dedicatedConnections = 0)
    {
        var (pool, budgetOptions) = (options.Pool, options.Budget);
        var errors = new List<string>();
        var warnings = new List<string>(target.Warnings);
        var builder = target.CreateBuilder();
        var written = target.Written;
        var mode = target.Mode;
        var policy = ModePolicy.For(mode, budgetOptions);

        var budget = PlanBudget(budgetOptions, mode, policy, survey?.Facts?.MaxConnections);
        var (maxPoolSize, chosenBy) = PlanMaxPoolSize(builder, written, pool, budgetOptions, mode, policy, budget, dedicatedConnections, errors, warnings);
        var minPoolSize = written.Contains(MinPoolSizeKeyword) ? builder.MinPoolSize : pool.MinPoolSize ?? policy.MinPoolSize;
        if (minPoolSize > maxPoolSize && (written.Contains(MinPoolSizeKeyword) || pool.MinPoolSize is not null))
        {
            errors.Add($"Minimum Pool Size ({minPoolSize}) is above Maximum Pool Size ({maxPoolSize}): lower ConnectionPool:MinPoolSize or 'Minimum Pool Size'.");
        }

        var (prepare, noResetOnClose, needsProbe) = PlanStatements(builder, written, pool, mode, policy, errors, warnings);
        var refused = needsProbe ? survey?.PreparedStatementsRefused ?? (survey is null ? "the server was not asked" : null) : null;
        if (needsProbe && survey is not null && refused is not null)
        {
            warnings.Add(
                $"Prepared statements stay off (Max Auto Prepare=0): the pooler was to keep them across transactions, but the probe at start"
                + $" failed ({refused}). Use PgBouncer 1.21 or later with max_prepared_statements above 0, or set"
                + " ConnectionPool:PoolerPreparedStatements=false to skip the probe.");
        }

        // Npgsql's Timeout bounds both a connect and the wait for a free connection: the plan gives it the connect's
        // bound, and the service waits for a free connection in slices of it up to the longer wait (ConnectionOpener).
        var poolWait = written.Contains(TimeoutKeyword) ? builder.Timeout : pool.TimeoutSeconds;
        var connectTimeout = Math.Min(pool.ConnectTimeoutSeconds, poolWait);

        builder.MaxPoolSize = maxPoolSize;
        builder.MinPoolSize = Math.Min(minPoolSize, maxPoolSize);
        builder.Timeout = connectTimeout;
        builder.ConnectionIdleLifetime = written.Contains("Connection Idle Lifetime") ? builder.ConnectionIdleLifetime : pool.ConnectionIdleLifetimeSeconds;
        builder.ConnectionLifetime = written.Contains("Connection Lifetime") ? builder.ConnectionLifetime : pool.ConnectionLifetimeSeconds;
        builder.KeepAlive = written.Contains("Keepalive") ? builder.KeepAlive : pool.KeepAliveSeconds;
        builder.MaxAutoPrepare = refused is null ? prepare : 0;
        builder.NoResetOnClose = noResetOnClose;

        CheckBudget(budget, maxPoolSize, dedicatedConnections, budgetOptions, errors, warnings);

        var limits = StatementLimits.ForRequests(options.WorkLimits);
        var limitsSetBy = PlanStatementLimits(builder, written, mode, limits);

        return new ConnectionPlan
        {
            Source = target.Source,
            Mode = mode,
            ModeConfigured = target.ModeConfigured,
            Host = builder.Host,
            Port = builder.Port,
            Database = builder.Database,
            Username = builder.Username,
            SslMode = builder.SslMode.ToString(),
            MaxPoolSize = maxPoolSize,
            DedicatedConnections = dedicatedConnections,
            MaxPoolSizeChosenBy = chosenBy,
            MinPoolSize = builder.MinPoolSize,
            TimeoutSeconds = poolWait,
            ConnectTimeoutSeconds = connectTimeout,
            MaxAutoPrepare = builder.MaxAutoPrepare,
            PreparedStatementsNeedProbe = needsProbe,
            PreparedStatementsRefused = refused,
            NoResetOnClose = noResetOnClose,
            ConnectionIdleLifetimeSeconds = builder.ConnectionIdleLifetime,
            ConnectionLifetimeSeconds = builder.ConnectionLifetime,
            KeepAliveSeconds = builder.KeepAlive,
            Replicas = budgetOptions.Replicas,
            MaxReplicas = budgetOptions.MaxReplicas ?? budgetOptions.Replicas,
            SurgeReplicas = budgetOptions.SurgeReplicas,
            Strict = budgetOptions.Strict,
            Budget = budget,
            Limits = limits,
            LimitsSetBy = limitsSetBy,
            MigrationLimits = StatementLimits.ForMigrations(options.WorkLimits),
            GssEncryptionMode = builder.GssEncryptionMode.ToString(),
            ApplicationName = builder.ApplicationName,
            Server = survey?.Facts,
            Problem = survey?.Problem,
            ServerFailure = survey?.Failure,
            Warnings = warnings,
            Errors = errors,
            Advice = policy.Advice,
            Rewrite = target.Rewrite,
            ConnectionString = builder.ConnectionString,
        };
    }

    /// <summary>True when the pool would prepare statements only once a probe proves the pooler keeps them.</summary>
    public static bool NeedsProbe(ConnectionTarget target, ConnectionPoolOptions options) =>
        PlanStatements(target.CreateBuilder(), target.Written, options.Pool, target.Mode, ModePolicy.For(target.Mode, options.Budget), [], []).NeedsProbe;

    private static ConnectionTarget? Target(string? connectionString, string source, ConnectionPoolOptions options, string? applicationName) =>
        ConnectionPoolOptionsValidator.Check(options).Count == 0
        && ConnectionTarget.TryRead(connectionString, source, options.Pool.Mode, options.Pool.PreferredMode, applicationName, null, out var target, out _)
            ? target
            : null;

    private static ConnectionBudget PlanBudget(BudgetOptions options, ConnectionMode mode, ModePolicy policy, int? serverMaxConnections)
    {
        // Behind a session pooler every pooled connection is a pooler client: its cap is the limit, not the server's.
        if (mode == ConnectionMode.SessionPooler)
        {
            return ConnectionBudget.FromSessionPoolerCap(options.SessionPoolerClientCap, options.Replicas);
        }

        var fraction = options.BudgetFraction ?? policy.BudgetFraction;
        return options.ServerMaxConnections is { } configured
            ? ConnectionBudget.FromServer(configured, fraction, options.BudgetReplicas, ConnectionBudgetSource.Configured)
            : ConnectionBudget.FromServer(serverMaxConnections, fraction, options.BudgetReplicas, ConnectionBudgetSource.Server);
    }

    private static (int MaxPoolSize, PoolSizeSource ChosenBy) PlanMaxPoolSize(
        NpgsqlConnectionStringBuilder builder, IReadOnlySet<string> written, PoolOptions pool, BudgetOptions budgetOptions, ConnectionMode mode,
        ModePolicy policy, ConnectionBudget budget, int dedicated, List<string> errors, List<string> warnings)
    {
        var (maxPoolSize, chosenBy) = written.Contains(MaxPoolSizeKeyword)
            ? (builder.MaxPoolSize, PoolSizeSource.ConnectionString)
            : pool.MaxPoolSize is { } configured
                ? (configured, PoolSizeSource.Configured)
                : FromModeAndBudget(policy, budget, dedicated, warnings);

        var (cap, replicas) = (budgetOptions.SessionPoolerClientCap, budgetOptions.Replicas);
        if (mode == ConnectionMode.SessionPooler && (maxPoolSize + dedicated) * replicas > cap)
        {
            // Supavisor answers the client past its cap with 'max clients reached in session mode'.
            errors.Add(
                $"{Held(maxPoolSize, dedicated)} × {replicas} {Plural(replicas, "replica")} = {(maxPoolSize + dedicated) * replicas}"
                + $" exceeds the session pooler's client cap of {cap} (ConnectionPool:SessionPoolerClientCap): Supavisor would refuse"
                + $" clients with 'max clients reached in session mode'. Lower ConnectionPool:MaxPoolSize to {Math.Max(1, (cap / replicas) - dedicated)},"
                + " or use the transaction pooler (port 6543).");
        }

        return (maxPoolSize, chosenBy);
    }

    // Nothing written: the mode's size, unless the replicas' share of the server's budget, less the connections kept
    // beside the pool, is smaller.
    private static (int, PoolSizeSource) FromModeAndBudget(ModePolicy policy, ConnectionBudget budget, int dedicated, List<string> warnings)
    {
        if (budget.PerReplicaAllowance is not { } share)
        {
            return (policy.MaxPoolSize, PoolSizeSource.ModeDefault);
        }

        var allowance = Math.Max(1, share - dedicated);
        if (allowance >= policy.MaxPoolSize)
        {
            return (policy.MaxPoolSize, PoolSizeSource.ModeDefault);
        }

        if (allowance < MinimumUsefulPoolSize)
        {
            warnings.Add(
                $"The budget leaves each replica {allowance} {Plural(allowance, "connection")} ({budget.Describe(allowance)}), fewer than the"
                + $" {MinimumUsefulPoolSize} a replica needs to serve requests side by side: lower ConnectionPool:MaxReplicas or"
                + " ConnectionPool:SurgeReplicas, or raise ConnectionPool:BudgetFraction if the server has room.");
        }

        return (allowance, PoolSizeSource.Budget);
    }

    private static (int MaxAutoPrepare, bool NoResetOnClose, bool NeedsProbe) PlanStatements(
        NpgsqlConnectionStringBuilder builder, IReadOnlySet<string> written, PoolOptions pool, ConnectionMode mode, ModePolicy policy,
        List<string> errors, List<string> warnings)
    {
        var writtenPrepare = written.Contains(MaxAutoPrepareKeyword) ? builder.MaxAutoPrepare : pool.MaxAutoPrepare;
        if (!mode.IsTransactionPooling())
        {
            return (writtenPrepare ?? policy.MaxAutoPrepare, written.Contains(NoResetOnCloseKeyword) && builder.NoResetOnClose, false);
        }

        // A return to the pool would send DISCARD ALL through the pooler, which resets nothing useful there.
        var noResetOnClose = true;
        if (written.Contains(NoResetOnCloseKeyword) && !builder.NoResetOnClose)
        {
            warnings.Add("No Reset On Close=false is kept: every connection return sends DISCARD ALL through the transaction pooler, which resets nothing useful there.");
            noResetOnClose = false;
        }

        // PgBouncer 1.21+ with max_prepared_statements (Supabase's dedicated pooler runs 1.24) re-prepares a statement on
        // whichever server connection runs the next transaction; the probe at start proves it before any is prepared.
        if (mode == ConnectionMode.DedicatedPooler || pool.PoolerPreparedStatements)
        {
            var prepare = writtenPrepare ?? ModePolicy.PreparedStatements;
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

    private static StatementLimitsSetBy PlanStatementLimits(
        NpgsqlConnectionStringBuilder builder, IReadOnlySet<string> written, ConnectionMode mode, StatementLimits limits)
    {
        // PgBouncer refuses the 'options' start-up parameter, and a session setting would reach the pooler's other clients.
        if (mode.IsTransactionPooling())
        {
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

    private static void CheckBudget(ConnectionBudget budget, int maxPoolSize, int dedicated, BudgetOptions options, List<string> errors, List<string> warnings)
    {
        if (budget.PerReplicaAllowance is not { } allowance)
        {
            warnings.Add(
                "The server's max_connections is unknown, so the pool is the mode's size, unchecked against a budget: it is"
                + " read at start, so restart once the server answers, or set ConnectionPool:ServerMaxConnections (60 on Supabase Nano and Micro).");
            return;
        }

        if (budget.Source == ConnectionBudgetSource.SessionPoolerCap || maxPoolSize + dedicated <= allowance)
        {
            return;
        }

        var message =
            $"{Held(maxPoolSize, dedicated)} × {budget.Replicas} {Plural(budget.Replicas, "replica")} (MaxReplicas + SurgeReplicas) = {(maxPoolSize + dedicated) * budget.Replicas} exceeds the budget of"
            + $" {budget.Total} ({budget.FractionPercent} of {budget.ServerMaxConnections} server connections): lower ConnectionPool:MaxPoolSize"
            + $" to {Math.Max(1, allowance - dedicated)} (or remove it to let the budget size the pool), lower ConnectionPool:MaxReplicas or ConnectionPool:SurgeReplicas,"
            + " or raise ConnectionPool:BudgetFraction or ConnectionPool:ServerMaxConnections if the server has room.";

        (options.Strict ? errors : warnings).Add(options.Strict ? message + " (ConnectionPool:Strict is true.)" : message);
    }

    // What one replica holds as the budget counts it: the pool, and the connections kept beside it when there are any.
    private static string Held(int maxPoolSize, int dedicated) => dedicated == 0
        ? $"Maximum Pool Size {maxPoolSize}"
        : $"(Maximum Pool Size {maxPoolSize} + {dedicated} {Plural(dedicated, "connection")} kept beside the pool)";

    private static string Plural(int count, string noun) => count == 1 ? noun : noun + "s";
}
