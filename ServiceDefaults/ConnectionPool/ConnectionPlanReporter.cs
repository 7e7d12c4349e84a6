using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// At start: when the server's <c>max_connections</c> is not configured, reads it (a few seconds at most) and measures
/// the pool against it, stopping the service if <c>ConnectionPool:Strict</c> says so; then logs the plan as one
/// structured line, its warnings, and the advice for the mode. Never logs the password.
/// </summary>
internal sealed partial class ConnectionPlanReporter(
    ConnectionPlan plan,
    IOptions<ConnectionPoolOptions> options,
    PoolUsageSampler sampler,
    IHostEnvironment environment,
    ILogger<ConnectionPlanReporter> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var effective = plan;
        if (options.Value.ServerMaxConnections is null && plan.Mode != ConnectionMode.SessionPooler && plan.ConnectionString is not null)
        {
            var (facts, failure) = await ServerFacts.TryReadAsync(plan.ConnectionString, cancellationToken);
            if (facts is not null)
            {
                effective = ConnectionPlanner.Plan(
                    plan.ConnectionString, plan.Source!, options.Value, facts.MaxConnections, environment.ApplicationName);
            }
            else
            {
                LogServerSilent(failure);
            }
        }

        sampler.Budget = effective.Budget;

        if (plan.Rewrite is not null)
        {
            LogRewrite(plan.Rewrite);
        }

        LogPlan(
            effective.ModeName, effective.Host, effective.Port, effective.Database, effective.MaxPoolSize, effective.MinPoolSize,
            effective.TimeoutSeconds, effective.MaxAutoPrepare, effective.Budget?.Describe(effective.MaxPoolSize), effective.Advice);

        // The second plan starts from the planned string, so warnings about what planning changed are the first plan's.
        foreach (var warning in plan.Warnings.Union(effective.Warnings))
        {
            LogWarning(warning);
        }

        if (effective.Errors.Count > 0)
        {
            throw new ConnectionPlanException(effective);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Database connection: {Mode} to {Host}:{Port}/{Database}, Maximum Pool Size {MaxPoolSize}, Minimum Pool Size {MinPoolSize},"
            + " Timeout {TimeoutSeconds}s, Max Auto Prepare {MaxAutoPrepare}; budget {Budget}. {Advice}")]
    private partial void LogPlan(
        string? mode, string? host, int? port, string? database, int maxPoolSize, int minPoolSize, int timeoutSeconds,
        int maxAutoPrepare, string? budget, string? advice);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database connection: {Warning}")]
    private partial void LogWarning(string warning);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database connection rewritten by ConnectionPool:PreferredMode: {Rewrite}")]
    private partial void LogRewrite(string rewrite);

    [LoggerMessage(Level = LogLevel.Information, Message = "Could not read the server's max_connections at start ({Failure}); the budget stays unchecked")]
    private partial void LogServerSilent(string? failure);
}
