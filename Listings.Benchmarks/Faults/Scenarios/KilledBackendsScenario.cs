using Listings.Benchmarks.Faults.Analysis;
using Listings.Benchmarks.Faults.Probes;
using Listings.Benchmarks.Faults.Report;

namespace Listings.Benchmarks.Faults.Scenarios;

/// <summary>
/// Killed backends: every few seconds, <c>pg_terminate_backend</c> on all of the API's server connections under a read load.
/// Reads are safe to retry, so no client sees an error.
/// </summary>
public static class KilledBackendsScenario
{
    /// <summary>The scenario's short name, in titles and logs.</summary>
    public const string Name = "killed-backends";

    /// <summary>Runs the scenario.</summary>
    /// <param name="context">The shared context.</param>
    /// <param name="cancellationToken">Aborts the run.</param>
    public static async Task<KilledBackendsResult> RunAsync(FaultContext context, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var clock = new FaultClock();
        using var client = context.CreateClient(clock);
        await using var killer = await BackendKiller.OpenAsync(context.Server, options.Database, cancellationToken);
        var load = context.CreateLoad(client, clock, Name, writeShare: 0, options.KillDuration).RunAsync(cancellationToken);

        var rounds = new List<KillRound>();
        var interval = options.KillInterval.TotalSeconds;
        // The last round leaves one interval of load after it, so errors it causes are still seen.
        for (var at = interval; at <= options.KillDuration.TotalSeconds - interval; at += interval)
        {
            await clock.WaitUntilAsync(at, cancellationToken);
            rounds.Add(await killer.KillAsync(clock, cancellationToken));
        }

        var outcome = await load;
        var end = clock.Now;
        var requests = outcome.Requests;
        return new KilledBackendsResult
        {
            Rounds = rounds,
            Requests = RequestSummary.Of(requests),
            Phases = [PhaseLatency.Of("kills every " + interval.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + " s", requests, _ => true, 0, end, options.KillRequestBound)],
            Timeline = ErrorTimeline.Build(requests, rounds.Count > 0 ? rounds[0].AtSeconds : 0),
            ApiLog = ApiLogEntry.Read(context.Api, clock, 0, end),
        };
    }
}
