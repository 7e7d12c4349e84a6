using Listings.Benchmarks.Faults.Analysis;
using Listings.Benchmarks.Faults.Probes;
using Listings.Benchmarks.Faults.Report;

namespace Listings.Benchmarks.Faults.Scenarios;

/// <summary>
/// The restart: a fast restart of PostgreSQL (<c>pg_ctl restart -m fast</c>) under 100 clients mixing reads and keyed writes,
/// the API left running. Reads fail only while the server is away; writes retried with their key end up stored once.
/// </summary>
public static class RestartScenario
{
    /// <summary>The scenario's short name, in titles and logs.</summary>
    public const string Name = "restart";

    /// <summary>Runs the scenario.</summary>
    /// <param name="context">The shared context.</param>
    /// <param name="cancellationToken">Aborts the run.</param>
    public static async Task<RestartResult> RunAsync(FaultContext context, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var clock = new FaultClock();
        using var client = context.CreateClient(clock);
        using var health = new HealthProbe(context.Api.BaseAddress, clock);
        var probe = new ServerProbe(context.Server, clock);
        probe.Start();
        health.Start();
        var load = context.CreateLoad(client, clock, Name, options.WriteShare, options.RestartBefore + options.RestartAfter)
            .RunAsync(cancellationToken);

        await clock.WaitUntilAsync(options.RestartBefore.TotalSeconds, cancellationToken);
        var injectedAt = clock.Now;
        await context.Server.RestartAsync(cancellationToken);
        var fault = new FaultEvent("pg_ctl restart -m fast", Math.Round(injectedAt, 3), Math.Round(clock.Now - injectedAt, 3));

        var outcome = await load;
        var downs = await probe.StopAsync();
        var healthSamples = await health.StopAsync();
        var end = clock.Now;

        // A refused probe before the restart would be a different fault; the restart's is the first window ending after it.
        var refused = downs.FirstOrDefault(w => w.ToSeconds >= injectedAt);
        var window = new DownWindow(injectedAt, refused?.ToSeconds ?? injectedAt + fault.CommandSeconds);
        var requests = outcome.Requests;
        var failedReads = requests.Where(r => r.IsRead && !r.Succeeded).ToList();
        return new RestartResult
        {
            Fault = fault,
            Window = new DownWindow(Math.Round(window.FromSeconds, 3), Math.Round(window.ToSeconds, 3)),
            NotAcceptingSeconds = Math.Round(refused?.Seconds ?? 0, 3),
            Requests = RequestSummary.Of(requests),
            ReadErrorsBefore = failedReads.Count(r => r.EndSeconds < window.FromSeconds),
            ReadErrorsInside = failedReads.Count(r => r.EndSeconds >= window.FromSeconds && r.StartSeconds <= window.ToSeconds),
            ReadErrorsAfter = failedReads.Count(r => r.StartSeconds > window.ToSeconds),
            ErrorsOutsideWindow = requests.Where(r => !r.Succeeded && (r.EndSeconds < window.FromSeconds || r.StartSeconds > window.ToSeconds))
                .GroupBy(r => $"{r.Kind} {r.ErrorLabel}").ToDictionary(g => g.Key, g => g.Count()),
            Phases =
            [
                PhaseLatency.Of("steady: answered before the restart", requests, r => r.EndSeconds < window.FromSeconds,
                    0, window.FromSeconds, options.SteadyRequestBound),
                PhaseLatency.Of("caught by the window: in flight or sent in it", requests,
                    r => r.EndSeconds >= window.FromSeconds && r.StartSeconds <= window.ToSeconds, window.FromSeconds, window.ToSeconds, options.RestartRequestBound),
                PhaseLatency.Of("sent after the window", requests, r => r.StartSeconds > window.ToSeconds, window.ToSeconds, end, options.RestartRequestBound),
            ],
            Recovery = Recovery.Of(requests, window.ToSeconds),
            Writes = await WriteAudit.CountAsync(context.Server, options.Database, context.Marker(Name), outcome.Writes, cancellationToken),
            HealthNotOk = healthSamples.Count(s => s.Path == "health" && s.Status != 200),
            AliveNotOk = healthSamples.Count(s => s.Path == "alive" && s.Status != 200),
            Timeline = ErrorTimeline.Build(requests, injectedAt),
            ApiLog = ApiLogEntry.Read(context.Api, clock, 0, end),
        };
    }
}
