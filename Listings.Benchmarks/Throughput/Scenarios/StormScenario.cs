using Listings.Benchmarks.Throughput.Report;

namespace Listings.Benchmarks.Throughput.Scenarios;

/// <summary>
/// A closed-loop storm against page 1 for one setting, each on a fresh API process so no setting inherits
/// another's warm pool.
/// </summary>
public static class StormScenario
{
    private const string Path = "api/v1/listings?page=1&pageSize=20";

    /// <summary>Starts the API with <paramref name="setting"/>, storms it and returns the result.</summary>
    /// <param name="context">The shared context.</param>
    /// <param name="setting">The setting.</param>
    /// <param name="clients">Concurrent clients.</param>
    /// <param name="duration">How long requests are sent.</param>
    /// <param name="cancellationToken">Aborts the storm.</param>
    public static async Task<StormResult> RunAsync(BenchmarkContext context, ApiSetting setting, int clients,
        TimeSpan duration, CancellationToken cancellationToken)
    {
        await using var api = await context.StartApiAsync(setting, BenchmarkContext.MainDatabase, 0, null, cancellationToken);
        using var client = LoadGenerator.CreateClient(api.BaseAddress, clients, context.Options.RequestTimeout);
        // One request first, so the storm measures serving, not the API's first-request JIT and model building.
        using (await client.GetAsync(Path, cancellationToken))
        {
        }

        context.Sampler.Start();
        StormOutcome outcome;
        try
        {
            outcome = await LoadGenerator.RunAsync(client, Path, clients, duration, cancellationToken);
        }
        finally
        {
            await context.Sampler.StopAsync();
        }

        return ToResult(setting, outcome, context.Sampler.Peak);
    }

    private static StormResult ToResult(ApiSetting setting, StormOutcome outcome, int peak) => new()
    {
        Setting = setting.Name,
        ConnectionKeywords = setting.ConnectionKeywords,
        Environment = setting.Environment,
        Clients = outcome.Clients,
        DurationSeconds = outcome.DurationSeconds,
        ElapsedSeconds = Math.Round(outcome.ElapsedSeconds, 2),
        StatusCounts = outcome.StatusCounts,
        Ok = outcome.Ok,
        ServiceUnavailableWithRetryAfter = outcome.ServiceUnavailableWithRetryAfter,
        OtherStatuses = outcome.Responses - outcome.Ok - outcome.ServiceUnavailableWithRetryAfter,
        ConnectionErrors = outcome.ConnectionErrors,
        Timeouts = outcome.Timeouts,
        ResponsesPerSecond = Math.Round(outcome.Responses / outcome.ElapsedSeconds, 1),
        OkPerSecond = Math.Round(outcome.Ok / outcome.ElapsedSeconds, 1),
        P50Ms = Math.Round(LoadGenerator.Percentile(outcome.LatenciesMs, 0.50), 1),
        P99Ms = Math.Round(LoadGenerator.Percentile(outcome.LatenciesMs, 0.99), 1),
        MaxMs = Math.Round(outcome.LatenciesMs.Length == 0 ? double.NaN : outcome.LatenciesMs[^1], 1),
        PeakServerConnections = peak,
    };
}
