using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Listings.ServiceDefaults.Health;

/// <summary>Fails <c>/health</c> (readiness) while the replica drains; <c>/alive</c> stays up: the process is not stuck.</summary>
public sealed class DrainHealthCheck(DrainOnStop drain) : IHealthCheck
{
    /// <summary>The name the check is registered under.</summary>
    public const string Name = "drain";

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(drain.IsDraining
            ? HealthCheckResult.Unhealthy("Stopping: this replica finishes its requests and takes no new work")
            : HealthCheckResult.Healthy("Serving"));
}
