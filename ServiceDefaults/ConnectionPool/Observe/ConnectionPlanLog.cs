using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// Logs the plan when the host starts: one line with the host's role, mode, pool, limits and budget, each warning, and
/// the problem when the server did not answer. Never the password. The read replicas' plans are logged the same way
/// (<see cref="Log"/>) by their lag monitor.
/// </summary>
internal sealed partial class ConnectionPlanLog(ConnectionPlan plan, LoginBackoff backoff, ILogger<ConnectionPlanLog> logger) : IHostedService
{
    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        Log(logger, plan);

        // Resolved here, so a login refused at start is logged now rather than at the first request.
        _ = backoff;
        return Task.CompletedTask;
    }

    /// <summary>Logs <paramref name="plan"/> to <paramref name="logger"/>.</summary>
    public static void Log(ILogger logger, ConnectionPlan plan)
    {
        if (plan.Problem is { } problem)
        {
            LogProblem(logger, problem.Name, problem.Message, problem.Fix);
        }

        if (plan.Rewrite is not null)
        {
            LogRewrite(logger, plan.Rewrite);
        }

        LogPlan(
            logger, plan.Mode?.ToName(), plan.Host, plan.Port, plan.Database, KebabCase.Name(plan.Role), plan.MaxPoolSize,
            KebabCase.Name(plan.MaxPoolSizeChosenBy), plan.MinPoolSize, plan.TimeoutSeconds, plan.ConnectTimeoutSeconds, plan.MaxAutoPrepare,
            plan.Limits?.Describe(), KebabCase.Name(plan.LimitsSetBy), plan.GssEncryptionMode, plan.Budget?.Describe(plan.ConnectionsPerReplica), plan.Advice);
        foreach (var warning in plan.Warnings)
        {
            LogWarning(logger, warning);
        }
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Database connection: {Mode} to {Host}:{Port}/{Database} as {Role}, Maximum Pool Size {MaxPoolSize} (chosen by {MaxPoolSizeChosenBy}),"
            + " Minimum Pool Size {MinPoolSize}, Timeout {TimeoutSeconds}s (connect {ConnectTimeoutSeconds}s), Max Auto Prepare {MaxAutoPrepare};"
            + " limits {Limits} ({LimitsSetBy}); GSS Encryption Mode {GssEncryptionMode}; budget {Budget}. {Advice}")]
    private static partial void LogPlan(
        ILogger logger, string? mode, string? host, int? port, string? database, string role, int maxPoolSize, string maxPoolSizeChosenBy, int minPoolSize,
        int timeoutSeconds, int connectTimeoutSeconds, int maxAutoPrepare, string? limits, string limitsSetBy, string? gssEncryptionMode,
        string? budget, string? advice);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database connection: {Warning}")]
    private static partial void LogWarning(ILogger logger, string warning);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database connection rewritten by ConnectionPool:PreferredMode: {Rewrite}")]
    private static partial void LogRewrite(ILogger logger, string rewrite);

    [LoggerMessage(Level = LogLevel.Error, Message = "Database connection problem {Problem}: {Message} Fix: {Fix}")]
    private static partial void LogProblem(ILogger logger, string problem, string message, string fix);
}
