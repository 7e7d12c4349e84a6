using Listings.Benchmarks.Faults.Analysis;
using Listings.Benchmarks.Faults.Probes;
using Listings.Benchmarks.Faults.Report;

namespace Listings.Benchmarks.Faults.Scenarios;

/// <summary>
/// The outage: PostgreSQL stopped for 30 s under the mixed load. Every request is answered within about 1 s (503 problem
/// details with <c>Retry-After</c>), <c>/health</c> turns 503 while <c>/alive</c> stays 200, and once the server is
/// back the API serves again within about 2 s, without a restart.
/// </summary>
public static class OutageScenario
{
    /// <summary>The scenario's short name, in titles and logs.</summary>
    public const string Name = "outage";

    /// <summary>Runs the scenario.</summary>
    /// <param name="context">The shared context.</param>
    /// <param name="cancellationToken">Aborts the run.</param>
    public static async Task<OutageResult> RunAsync(FaultContext context, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var clock = new FaultClock();
        using var client = context.CreateClient(clock);
        using var health = new HealthProbe(context.Api.BaseAddress, clock);
        var probe = new ServerProbe(context.Server, clock);
        probe.Start();
        health.Start();
        var load = context.CreateLoad(client, clock, Name, options.WriteShare,
            options.OutageBefore + options.OutageLength + options.OutageAfter).RunAsync(cancellationToken);

        await clock.WaitUntilAsync(options.OutageBefore.TotalSeconds, cancellationToken);
        var stopAt = clock.Now;
        await context.Server.StopAsync(cancellationToken);
        var stop = new FaultEvent("pg_ctl stop -m fast", Math.Round(stopAt, 3), Math.Round(clock.Now - stopAt, 3));
        await clock.WaitUntilAsync(stopAt + options.OutageLength.TotalSeconds, cancellationToken);
        var startAt = clock.Now;
        await context.Server.StartAgainAsync(cancellationToken);
        var start = new FaultEvent("pg_ctl start", Math.Round(startAt, 3), Math.Round(clock.Now - startAt, 3));

        var outcome = await load;
        var downs = await probe.StopAsync();
        var samples = await health.StopAsync();
        var end = clock.Now;

        var refused = downs.FirstOrDefault(w => w.ToSeconds >= startAt);
        var back = refused?.ToSeconds ?? startAt + start.CommandSeconds;
        var requests = outcome.Requests;
        var inOutage = requests.Where(r => r.StartSeconds >= stopAt && r.StartSeconds < back).ToList();
        var bound = options.OutageAnswerBound.TotalMilliseconds;
        var healthInOutage = samples.Where(s => s.Path == "health" && s.StartSeconds >= stopAt && s.StartSeconds < back).ToList();
        var firstUnhealthy = samples.FirstOrDefault(s => s.Path == "health" && s.StartSeconds >= stopAt && s.Status != 200);
        var healthyAgain = samples.FirstOrDefault(s => s.Path == "health" && s.StartSeconds >= back && s.Status == 200);
        var alive = samples.Where(s => s.Path == "alive").ToList();
        return new OutageResult
        {
            Stop = stop,
            Start = start,
            Window = new DownWindow(Math.Round(stopAt, 3), Math.Round(back, 3)),
            OutageRequests = RequestSummary.Of(inOutage),
            ProblemWithRetryAfter = inOutage.Count(r => r is { Status: 503, RetryAfter: true, ProblemDetails: true }),
            OverBound = inOutage.Count(r => r.DurationMs > bound || r.Failure == Load.RequestFailure.Timeout),
            MaxMs = Math.Round(inOutage.Select(r => r.DurationMs).DefaultIfEmpty(0).Max(), 1),
            BoundMs = bound,
            HealthUnhealthyAfterSeconds = firstUnhealthy is null ? null : Math.Round(firstUnhealthy.StartSeconds + firstUnhealthy.DurationMs / 1000 - stopAt, 3),
            HealthStatusesDuringOutage = healthInOutage.GroupBy(s => s.Status).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.Count()),
            HealthReportsDuringOutage = healthInOutage.GroupBy(s => s.Label).OrderByDescending(g => g.Count()).ToDictionary(g => g.Key, g => g.Count()),
            HealthNotUnhealthyAfterFirstSecond = healthInOutage.Count(s => s.StartSeconds >= stopAt + 1 && s.Status != 503),
            HealthAfterFirstSecond = healthInOutage.Count(s => s.StartSeconds >= stopAt + 1),
            HealthMaxMs = Math.Round(healthInOutage.Select(s => s.DurationMs).DefaultIfEmpty(0).Max(), 1),
            HealthHealthyAgainSeconds = healthyAgain is null ? null : Math.Round(healthyAgain.StartSeconds + healthyAgain.DurationMs / 1000 - back, 3),
            AliveNotOk = alive.Count(s => s.Status != 200),
            AliveSamples = alive.Count,
            Phases =
            [
                PhaseLatency.Of("steady: answered before the stop", requests, r => r.EndSeconds < stopAt, 0, stopAt, options.SteadyRequestBound),
                PhaseLatency.Of("in flight at the stop", requests, r => r.StartSeconds < stopAt && r.EndSeconds >= stopAt,
                    stopAt, stopAt, options.OutageAnswerBound),
                PhaseLatency.Of("outage: sent in it", requests, r => r.StartSeconds >= stopAt && r.StartSeconds < back, stopAt, back, options.OutageAnswerBound),
                PhaseLatency.Of("sent after the server is back", requests, r => r.StartSeconds >= back, back, end, options.RecoveryBound),
            ],
            Recovery = Recovery.Of(requests, back),
            Writes = await WriteAudit.CountAsync(context.Server, options.Database, context.Marker(Name), outcome.Writes, cancellationToken),
            Timeline = ErrorTimeline.Build(requests, stopAt),
            ApiLog = ApiLogEntry.Read(context.Api, clock, 0, end),
        };
    }
}
