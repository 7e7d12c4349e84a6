using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// At start: asks the server about itself (a few seconds at most). When it answers and its <c>max_connections</c> is
/// not configured, measures the pool against it; when it does not, logs one error naming the problem and its fix.
/// Then logs the plan as one structured line, its warnings, and the advice for the mode. Stops the service when the
/// plan is refused, or, with <c>ConnectionPool:Strict</c>, when the connection fails for a reason only configuration
/// fixes (wrong password, unknown host, SSL); a server that is down or unreachable never stops it, so the service
/// answers 503 and recovers when the database is back. Never logs the password. Runs before the host starts
/// (<see cref="Microsoft.Extensions.Hosting.ConnectionPoolExtensions.ReportConnectionPlanAsync"/>), so a refusal is one
/// clear line and an exit code instead of a host that fails half-started.
/// </summary>
internal sealed partial class ConnectionPlanReporter(
    RunningConnectionPlan running,
    IOptions<ConnectionPoolOptions> options,
    PoolUsage usage,
    LoginBackoff backoff,
    PreparedStatementVerdict preparedStatements,
    IHostEnvironment environment,
    ILogger<ConnectionPlanReporter> logger)
{
    /// <summary>Reports the plan; false when the service must not start (the reason is logged).</summary>
    public async Task<bool> ReportAsync(CancellationToken cancellationToken)
    {
        var plan = running.Plan;
        var effective = plan;
        ConnectionProblem? problem = null;
        string? unprovenStatements = null;
        if (plan.ConnectionString is not null)
        {
            // A refused login here starts the backoff: the pool's first attempt waits for it like any other.
            (var facts, problem) = await ServerFacts.TryReadAsync(plan, cancellationToken, error => backoff.Refused(error));
            if (plan.PreparedStatementsNeedProbe)
            {
                unprovenStatements = facts is null
                    ? "the server did not answer at start"
                    : await PreparedStatementProbe.RunAsync(plan, cancellationToken);
                preparedStatements.Proven = unprovenStatements is null;
            }

            // Behind a session pooler the server's max_connections is not the limit: the pooler's client cap is.
            if (facts is not null && options.Value.ServerMaxConnections is null && plan.Mode != ConnectionMode.SessionPooler)
            {
                effective = ConnectionPlanner.Plan(
                    running.ConfiguredConnectionString, plan.Source!, options.Value, facts.MaxConnections, environment.ApplicationName);
            }
        }

        if (problem is not null)
        {
            LogProblem(problem.Name, problem.Message, problem.Fix);
        }

        running.Plan = effective;
        usage.MaxPoolSize = effective.MaxPoolSize;

        if (plan.Rewrite is not null)
        {
            LogRewrite(plan.Rewrite);
        }

        var maxAutoPrepare = effective.PreparedStatementsNeedProbe && !preparedStatements.Proven ? 0 : effective.MaxAutoPrepare;
        LogPlan(
            effective.ModeName, effective.Host, effective.Port, effective.Database, effective.MaxPoolSize,
            KebabCase.Name(effective.MaxPoolSizeChosenBy), effective.MinPoolSize, effective.TimeoutSeconds, effective.ConnectTimeoutSeconds,
            maxAutoPrepare, effective.Limits?.Describe(), KebabCase.Name(effective.LimitsSetBy), effective.GssEncryptionMode,
            effective.Budget?.Describe(effective.MaxPoolSize), effective.Advice);
        if (unprovenStatements is not null)
        {
            LogWarning(
                $"Prepared statements stay off (Max Auto Prepare=0): the pooler was to keep them across transactions, but the probe"
                + $" at start failed ({unprovenStatements}). Use PgBouncer 1.21 or later with max_prepared_statements above 0, or set"
                + " ConnectionPool:PoolerPreparedStatements=false to skip the probe.");
        }

        // Both plans start from the configured string and may warn alike; the warning that the server's limit is unknown
        // is void once the server has said it.
        var firstWarnings = ReferenceEquals(effective, plan)
            ? plan.Warnings
            : plan.Warnings.Where(warning => warning != ConnectionPlanner.UnknownServerLimitWarning);
        foreach (var warning in firstWarnings.Union(effective.Warnings))
        {
            LogWarning(warning);
        }

        if (effective.Errors.Count > 0)
        {
            LogRefused(new ConnectionPlanException(effective).Message);
            return false;
        }

        if (problem is { IsConfiguration: true } && options.Value.Strict)
        {
            // The problem and its fix were logged above, once.
            LogRefused($"ConnectionPool:Strict is true and the connection fails ({problem.Name}): the service does not start.");
            return false;
        }

        return true;
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Database connection: {Mode} to {Host}:{Port}/{Database}, Maximum Pool Size {MaxPoolSize} (chosen by {MaxPoolSizeChosenBy}),"
            + " Minimum Pool Size {MinPoolSize}, Timeout {TimeoutSeconds}s (connect {ConnectTimeoutSeconds}s), Max Auto Prepare {MaxAutoPrepare};"
            + " limits {Limits} ({LimitsSetBy}); GSS Encryption Mode {GssEncryptionMode}; budget {Budget}. {Advice}")]
    private partial void LogPlan(
        string? mode, string? host, int? port, string? database, int maxPoolSize, string maxPoolSizeChosenBy, int minPoolSize,
        int timeoutSeconds, int connectTimeoutSeconds, int maxAutoPrepare, string? limits, string limitsSetBy, string? gssEncryptionMode,
        string? budget, string? advice);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database connection: {Warning}")]
    private partial void LogWarning(string warning);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database connection rewritten by ConnectionPool:PreferredMode: {Rewrite}")]
    private partial void LogRewrite(string rewrite);

    [LoggerMessage(Level = LogLevel.Critical, Message = "{Reason}")]
    private partial void LogRefused(string reason);

    // One line with everything a person needs; the message names host, port, database and user, never the password.
    [LoggerMessage(Level = LogLevel.Error, Message = "Database connection problem {Problem}: {Message} Fix: {Fix}")]
    private partial void LogProblem(string problem, string message, string fix);
}
