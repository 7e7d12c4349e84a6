using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// The <c>read-replicas</c> entry of <c>/health</c>: one entry per read host with its plan, its state and the reads it
/// served, and the reads the primary served instead, by reason. Healthy while
/// every replica serves reads; Degraded while one lags, is down, or has not been read yet, since the others or the primary
/// serve its reads: never Unhealthy, which would take a replica of the API out of its load balancer for a replica of the
/// database.
/// </summary>
public sealed class ReadReplicasHealthCheck(ReadHosts hosts, TimeProvider clock) : IHealthCheck
{
    /// <summary>The check's name.</summary>
    public const string Name = "read-replicas";

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var now = clock.GetTimestamp();
        var perHost = new Dictionary<string, object>();
        var serving = 0;
        foreach (var host in hosts.All)
        {
            var state = host.State.Latest;
            var lag = state.Lag(clock, now);
            var status = state.Down is not null ? "down"
                : lag is null || lag > hosts.MaxLag ? "lagging"
                : "serving";
            serving += status == "serving" ? 1 : 0;

            // The host's plan as db-info prints it, and its state; no user, no connection string.
            perHost[host.Name] = new Dictionary<string, object?>
            {
                ["role"] = "read-replica",
                ["status"] = status,
                ["problem"] = state.Down,
                ["lagSeconds"] = lag is { } seconds ? Math.Round(seconds.TotalSeconds, 3) : null,
                ["streaming"] = state.Streaming,
                ["mode"] = host.Plan.Mode?.ToName(),
                ["maxPoolSize"] = host.Plan.MaxPoolSize,
                ["maxPoolSizeChosenBy"] = KebabCase.Name(host.Plan.MaxPoolSizeChosenBy),
                ["budget"] = host.Plan.Budget?.Describe(host.Plan.ConnectionsPerReplica),
                ["inUse"] = host.Usage.InUse,
                ["reads"] = host.Reads,
            };
        }

        var data = new Dictionary<string, object>
        {
            ["hosts"] = perHost,

            // Reads the primary served instead, by why: the counts behind listings.db.reads.primary_fallbacks.
            ["primaryReads"] = hosts.PrimaryReads.ToDictionary(reason => KebabCase.Name(reason.Key), reason => reason.Value),
        };

        var summary = string.Create(CultureInfo.InvariantCulture,
            $"{serving} of {hosts.All.Count} read replicas serve reads (lag at most {hosts.MaxLag.TotalSeconds:0.###} s)");
        return Task.FromResult(serving == hosts.All.Count
            ? HealthCheckResult.Healthy(summary, data)
            : HealthCheckResult.Degraded(summary + "; the others' reads go to the rest or the primary", data: data));
    }
}
