using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// The <c>database</c> entry of <c>/health</c>: Degraded while the pool stays saturated or the replicas are over budget,
/// Unhealthy when the database does not answer, Healthy once the minimum is open. It replaces Aspire's DbContext check,
/// which would wait in a saturated pool for the whole <c>Timeout</c>.
/// </summary>
public sealed class DatabaseHealthCheck<TContext>(
    TContext db, PoolUsage usage, PoolUsageSampler sampler, ConnectionPlan plan, ConnectionPoolOptions options,
    LoginBackoff backoff, PoolWarmer warmer, FleetConnectionMonitor? fleet = null, IRequestQueue? queue = null) : IHealthCheck
    where TContext : DbContext
{
    /// <summary>The check's name.</summary>
    public const string Name = "database";

    /// <summary>The data key of the problem's name when the database does not answer.</summary>
    public const string ProblemKey = "problem";

    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan SaturationWindow = TimeSpan.FromSeconds(2);

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var demand = sampler.Demand();
        var data = Data(demand);
        var saturation = $"connection pool saturated: {usage.InUse} of {usage.MaxPoolSize} connections in use,"
            + $" {usage.Waiting + (queue?.QueueLength ?? 0)} requests waiting";

        // Requests holding every slot while their connects fail look saturated too: then the probe decides.
        var connectsFailing = usage.SinceLastFailure < SaturationWindow;
        if (demand is { SaturatedShare: >= 0.5 } && !connectsFailing)
        {
            return HealthCheckResult.Degraded(saturation, data: data);
        }

        using var probe = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        probe.CancelAfter(ProbeTimeout);
        try
        {
            // Through the pool like any request: EF Core's CanConnectAsync would open an extra unpooled connection,
            // one client too many behind a session pooler that is already at its cap.
            await warmer.WarmAsync<TContext>(probe.Token);
            await db.Database.ExecuteSqlRawAsync("SELECT 1", probe.Token);
            if (fleet?.Latest is { OverBudget: true } over)
            {
                return HealthCheckResult.Degraded($"the service's replicas hold {over.Describe()}", data: data);
            }

            return HealthCheckResult.Healthy($"{plan.Mode?.ToName()} connection answers; {usage.InUse} of {usage.MaxPoolSize} connections in use", data);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // No connection came free within the probe's patience: busy if the pool is full, otherwise unreachable.
            if (usage.InUse >= usage.MaxPoolSize)
            {
                return HealthCheckResult.Degraded(saturation, data: data);
            }

            var timeout = ConnectionProblemKind.Timeout.ToName();
            data[ProblemKey] = timeout;
            return HealthCheckResult.Unhealthy($"The database did not answer within {ProbeTimeout.TotalSeconds:0} s ({timeout}).", data: data);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            // The problem's name only: /health answers anyone who can reach it, and the message names a host and a user.
            var problem = ConnectionProblemClassifier.FindConnectionProblem(error)?.Name;
            data[ProblemKey] = problem ?? ConnectionProblemKind.Other.ToName();
            return HealthCheckResult.Unhealthy(problem is null
                ? $"The database does not answer ({error.GetBaseException().GetType().Name})."
                : $"The database connection fails ({problem}); the service's start-up log and 'db-info' say what to fix.", data: data);
        }
    }

    private Dictionary<string, object> Data(PoolDemand? demand)
    {
        var data = new Dictionary<string, object>
        {
            ["mode"] = plan.Mode?.ToName() ?? "unknown",
            ["maxPoolSize"] = usage.MaxPoolSize,
            ["dedicatedConnections"] = plan.DedicatedConnections,
            ["inUse"] = usage.InUse,
            ["waitingForConnection"] = usage.Waiting,
            ["connectionTimeouts"] = usage.Timeouts,
            ["connectionFailures"] = usage.Failures,
            ["longHolds"] = usage.LongHolds,
            // Route and trace id only: no query text, no user.
            ["longestHolds"] = usage.LongestHolds(5, TimeSpan.FromMilliseconds(options.WorkLimits.LongHoldWarningMs)),
        };

        if (backoff.Remaining is { } pause)
        {
            data["loginBackoffSeconds"] = (int)Math.Ceiling(pause.TotalSeconds);
            data["loginRefusals"] = backoff.Refusals;
        }

        if (fleet?.Latest is { } latest)
        {
            data["fleet"] = latest;
        }

        if (queue is not null)
        {
            data["admissionInFlight"] = queue.InFlight;
            data["admissionQueued"] = queue.QueueLength;
            data["admissionMaxConcurrency"] = queue.MaxConcurrency;
        }

        if (demand is not null)
        {
            data["demand"] = demand;
            data["recommendedMaxPoolSize"] = demand.RecommendedMaxPoolSize is { } size ? size : demand.Judgement;
        }

        return data;
    }
}
