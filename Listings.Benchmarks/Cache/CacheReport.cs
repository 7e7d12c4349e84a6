using System.Globalization;

namespace Listings.Benchmarks.Cache;

/// <summary>The cached-reads run's goals and Markdown report.</summary>
public static class CacheReport
{
    /// <summary>The goals beside the numbers: printed, never asserted.</summary>
    /// <param name="results">The run's results.</param>
    public static IEnumerable<TargetResult> Goals(CacheResults results)
    {
        var a = Point(results, CacheSetting.CacheOn);
        var raw = Point(results, CacheSetting.Raw);
        yield return a is not null && raw is { ReadsPerSecond: > 0 }
            ? new("A reads/s ≥ 1.5 × Raw reads/s", Invariant($"{a.ReadsPerSecond:N0} / {raw.ReadsPerSecond:N0} = {a.ReadsPerSecond / raw.ReadsPerSecond:0.00}"), a.ReadsPerSecond >= 1.5 * raw.ReadsPerSecond)
            : new("A reads/s ≥ 1.5 × Raw reads/s", "n/a", null);

        var bound = results.CrossProcessBoundSeconds * 1000;
        foreach (var (setting, outcome) in results.Staleness)
        {
            var name = setting.Split(':')[0];
            yield return new($"{name}: 0 same-process stale reads", Invariant($"{outcome.SameProcessStaleReads:N0} of {outcome.ReadsChecked:N0}"), outcome.SameProcessStaleReads == 0);
            yield return new(Invariant($"{name}: 0 cross-process stale reads beyond {bound:N0} ms"),
                Invariant($"{outcome.CrossProcessBeyondBound:N0} (stale at all {outcome.CrossProcessStaleReads:N0}, max {outcome.CrossProcessMaxMs:N1} ms)"), outcome.CrossProcessBeyondBound == 0);
        }

        foreach (var point in results.Points)
        {
            yield return new($"{point.Setting.Split(':')[0]}: 0 non-2xx", Invariant($"{point.NonSuccess:N0}"), point.NonSuccess == 0);
        }
    }

    /// <summary>Renders <c>cache.md</c>.</summary>
    /// <param name="results">The run's results.</param>
    public static string Render(CacheResults results)
    {
        var machine = results.Machine;
        var text = ReportHeading.Start("Cached reads over two API processes", results.Quick,
            Invariant($"{machine.Cores} cores ({machine.Cpu}), {machine.Os}, PostgreSQL {machine.PostgreSql}, {machine.Runtime}, Npgsql {machine.Npgsql}, commit {machine.Commit}; load average {results.LoadAverageAtStart} at the start, {results.LoadAverageAtEnd} at the end; run took {machine.RunSeconds:0} s.") + "\n\n"
            + Invariant($"One throw-away PostgreSQL seeded with {results.SeedCount:N0} listings. A: two `Listings.Api` processes on it (same build, `Cache__Enabled=true`); B: two more with `Cache__Enabled=false`; Raw: the raw-Npgsql endpoint (same SQL, no EF Core, no admission, no cache; its pool as A1's). All run side by side and are loaded in turn by {results.Loops} closed-loop clients (no think time, one connection each, `SocketsHttpHandler`), half of them bound to each process of A and B. Each operation is a write with probability {results.WriteShare:P0}, else an anonymous read (no `Authorization` header) of one of the {results.ReadMix} ({results.ListingsInMix:N0} listings), uniformly. A write is a `PUT` with the seed owner's token of a listing on those pages, owned by the client (so each listing's writes are sent one after the other), setting its title to the next version of one counter; nothing else changes, so no listing leaves its pages. Raw takes reads only. Each setting was loaded {results.WarmUpSeconds:0} s to warm up, then measured in {results.Rounds} round(s) of {results.RoundSeconds:0} s, the settings in turn (the order reversed every other round), each round after {results.LeadInSeconds:0} s of unmeasured load."),
            results.Failure);
        void Line(string line) => text.AppendLine(line);

        Line("");
        Line("## Throughput");
        Line("");
        Line("| setting | reads/s (2xx) | by round | writes/s (2xx) | non-2xx | read p50 ms | read p99 ms | CPU µs/request (servers) | by round |");
        Line("|---|---|---|---|---|---|---|---|---|");
        foreach (var p in results.Points)
        {
            Line(Invariant($"| {p.Setting} | {p.ReadsPerSecond:N0} | {Joined(p.ReadsPerSecondByRound)} | {p.WritesPerSecond:N1} | {Failures(p)} | {p.ReadP50Ms:0.00} | {p.ReadP99Ms:0.0} | {p.CpuMicrosecondsPerRequest:0} | {Joined(p.CpuMicrosecondsPerRequestByRound)} |"));
        }

        var a = Point(results, CacheSetting.CacheOn);
        var b = Point(results, CacheSetting.CacheOff);
        var raw = Point(results, CacheSetting.Raw);
        Line("");
        Line(Invariant($"Reads/s: A ÷ Raw **{Ratio(a, raw)}** (by round {RoundRatios(a, raw)}), A ÷ B **{Ratio(a, b)}** (by round {RoundRatios(a, b)}). CPU per request is the user + system time of the setting's server processes (both, for A and B; from `/proc/<pid>/stat`) over the round, divided by every request answered (reads, writes, non-2xx); PostgreSQL's and the load generator's CPU are not in it. Latency is from sending a read to its whole body read."));
        Line($"Maximum Pool Size, from `/health`: {string.Join(", ", results.PoolSizes.Select(p => $"{p.Key} {p.Value?.ToString(CultureInfo.InvariantCulture) ?? "n/a"}"))}.");

        Line("");
        Line("## Staleness");
        Line("");
        var bound = results.CrossProcessBoundSeconds * 1000;
        Line(Invariant($"Every 2xx read of the measured rounds of A and B is judged against every write answered 2xx in the whole run (warm-ups and lead-ins too; the settings share the database), all times on the generator's one monotonic clock. A read R that shows listing L at version v is **stale by d** when a write of L with a higher version was answered at t before R was sent: d = R's start − t (t the earliest such answer). It is **same-process** when such a write was answered by the process R asked (it evicts before it answers: goal 0), else **cross-process** (the other process evicts when PostgreSQL's notification reaches it: goal 0 beyond {bound:N0} ms). A read showing several stale listings counts once, with its largest d. {results.WritesLogged:N0} writes logged; {results.WritesOutOfOrder:N0} answered after a higher version of the same listing (expected 0)."));
        Line("");
        Line("| setting | reads checked | listings shown | unreadable | stale listings | same-process stale reads | max ms | cross-process stale reads | beyond bound | p50 ms | p99 ms | max ms |");
        Line("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var (setting, s) in results.Staleness)
        {
            Line(Invariant($"| {setting} | {s.ReadsChecked:N0} | {s.ListingsChecked:N0} | {s.Unreadable:N0} | {s.StaleListings:N0} | {s.SameProcessStaleReads:N0} | {s.SameProcessMaxMs:0.0} | {s.CrossProcessStaleReads:N0} | {s.CrossProcessBeyondBound:N0} | {s.CrossProcessP50Ms:0.0} | {s.CrossProcessP99Ms:0.0} | {s.CrossProcessMaxMs:0.0} |"));
        }

        Line("");
        Line("The eviction delay (`listings.cache.eviction_delay`) is an OpenTelemetry histogram of the API processes, seen in the dashboard; this run does not read it: the cross-process staleness above is the same delay as a client sees it.");

        Line("");
        Line("## The city page's SQL");
        Line("");
        Line("The API logged (its seeding process, asked for page 1 of the city), beside the raw endpoint's statement for a city:");
        Line("");
        Line($"- API page: `{results.ApiCityPageSql ?? "not found in the log"}`");
        Line($"- API count: `{results.ApiCityCountSql ?? "not found in the log"}`");
        Line("- Raw page: `SELECT l.id, … FROM listings AS l WHERE l.city = $1 ORDER BY l.created_at DESC, l.id DESC LIMIT $2 OFFSET $3`; raw count: `SELECT count(*)::int FROM listings AS l WHERE l.city = $1`");

        Line("");
        foreach (var line in TargetResult.Section(results.Goals))
        {
            Line(line);
        }

        return text.ToString();
    }

    private static CachePoint? Point(CacheResults results, CacheSetting setting) => results.Points.FirstOrDefault(p => p.Setting == setting.Name);

    private static string Ratio(CachePoint? x, CachePoint? y) =>
        x is null || y is not { ReadsPerSecond: > 0 } ? "n/a" : Invariant($"{x.ReadsPerSecond / y.ReadsPerSecond:0.00}");

    private static string RoundRatios(CachePoint? x, CachePoint? y) =>
        x is null || y is null ? "n/a" : string.Join(", ", x.ReadsPerSecondByRound.Zip(y.ReadsPerSecondByRound, (p, q) => Invariant($"{p / q:0.00}")));

    private static string Failures(CachePoint point) =>
        point.NonSuccess == 0 ? "0" : string.Join(", ", point.Failures.Select(f => Invariant($"{f.Key}: {f.Value:N0}")));

    private static string Joined(IEnumerable<double> values) => string.Join(", ", values.Select(v => v.ToString("N0", CultureInfo.InvariantCulture)));

    private static string Invariant(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
