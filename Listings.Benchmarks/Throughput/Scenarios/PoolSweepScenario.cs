using Listings.Benchmarks.Throughput.Report;

namespace Listings.Benchmarks.Throughput.Scenarios;

/// <summary>
/// The policy setting with its pool forced to several sizes, under a smaller storm: where throughput peaks on this
/// machine, and what a bigger pool costs in tail latency.
/// </summary>
public static class PoolSweepScenario
{
    /// <summary>Storms one pool size.</summary>
    /// <param name="context">The shared context.</param>
    /// <param name="poolSize">The <c>Maximum Pool Size</c> to force.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    public static async Task<StormResult> RunAsync(BenchmarkContext context, int poolSize, CancellationToken cancellationToken)
    {
        var result = await StormScenario.RunAsync(context, ApiSetting.Policy(poolSize), context.Options.SweepClients,
            context.Options.SweepDuration, cancellationToken);
        result.PoolSize = poolSize;
        return result;
    }
}
