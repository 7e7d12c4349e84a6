using System.Globalization;
using System.Text;
using Listings.Benchmarks.Ceiling;

namespace Listings.Benchmarks.Replicas;

/// <summary>The read-replica run's goals and Markdown report.</summary>
public static class ReplicaReport
{
    /// <summary>The goals beside the numbers: printed, never asserted.</summary>
    /// <param name="results">The run's results.</param>
    public static IEnumerable<TargetResult> Goals(ReplicaResults results)
    {
        foreach (var (connections, a, b) in Pairs(results))
        {
            var goal = Invariant($"{connections:N0} connections: B's CPU per request ≤ 1.05 × A's");
            yield return a.CpuMicrosecondsPerRequest > 0 && b.CpuMicrosecondsPerRequest > 0
                ? new(goal, Invariant($"{b.CpuMicrosecondsPerRequest:0} / {a.CpuMicrosecondsPerRequest:0} µs = {b.CpuMicrosecondsPerRequest / a.CpuMicrosecondsPerRequest:0.00}"),
                    b.CpuMicrosecondsPerRequest <= 1.05 * a.CpuMicrosecondsPerRequest)
                : new(goal, "n/a", null);
        }

        foreach (var run in results.Consistency)
        {
            yield return new($"{run.Name}: 0 stale reads with the token", Invariant($"{run.StaleWithToken} of {run.Pairs:N0}"), run.StaleWithToken == 0);
        }

        // What the lag bound promises: a read started at T shows every write answered before T − MaxLagSeconds, plus the
        // primary→standby transit, which the run does not measure. So no stale read starts later than that after its write.
        var bound = results.MaxLagSeconds * 1000;
        foreach (var run in results.Consistency)
        {
            yield return new(Invariant($"{run.Name}: no read without the token started > MaxLagSeconds ({bound:N0} ms) after a write's answer misses it (+ transit)"),
                Staleness(run), run.NeverVisible == 0 && run.LastStaleStartMaxMs <= bound);
        }
    }

    /// <summary>Renders <c>replicas.md</c>.</summary>
    /// <param name="results">The run's results.</param>
    public static string Render(ReplicaResults results)
    {
        var machine = results.Machine;
        var text = ReportHeading.Start("Read replicas", results.Quick,
            Invariant($"{machine.Cores} cores ({machine.Cpu}), {machine.Os}, PostgreSQL {machine.PostgreSql}, {machine.Runtime}, Npgsql {machine.Npgsql}, commit {machine.Commit}; load average {results.LoadAverageAtStart} at the start, {results.LoadAverageAtEnd} at the end; run took {machine.RunSeconds:0} s.") + "\n" + Invariant($"One primary seeded with 100,000 listings and one streaming standby of it (`pg_basebackup -R`, asynchronous), both on this machine. A: the API on the primary alone; B: the same build with `ConnectionStrings__listingsdb-read` = the standby (`ReadReplicas` MaxLagSeconds {results.MaxLagSeconds:0.###}, PollMilliseconds {results.PollMilliseconds}, CatchUpMilliseconds {results.CatchUpMilliseconds}). Each warmed up for {results.Timing.WarmUp.TotalSeconds:0} s at 64 connections, then `wrk -t2 --timeout 10s` on `GET /api/v1/listings?page=1&pageSize=20` in {results.Timing.Rounds} rounds of {results.Timing.RoundDuration.TotalSeconds:0} s per point, A and B in turn (A, B, then B, A), each round after {results.Timing.LeadIn.TotalSeconds:0} s of unmeasured load."),
            results.Failure);
        void Line(string line) => text.AppendLine(line);

        Line("");
        Line("## Routing cost");
        Line("");
        Line("| setting | connections | 200/s | 200/s by round | non-2xx | socket errors | p50 ms | p99 ms | CPU µs/request | CPU µs/request by round |");
        Line("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var p in results.Points.OrderBy(p => p.Connections).ThenBy(p => p.Setting, StringComparer.Ordinal))
        {
            Line(Invariant($"| {p.Setting} | {p.Connections:N0} | {p.OkPerSecond:N0} | {Joined(p.OkPerSecondByRound)} | {p.NonSuccess:N0} | {p.SocketErrors:N0} | {p.P50Ms:0.0} | {p.P99Ms:N0} | {p.CpuMicrosecondsPerRequest:0} | {Joined(p.CpuMicrosecondsPerRequestByRound)} |"));
        }

        Line("");
        Line("| connections | B ÷ A, CPU per request | by round | B ÷ A, 200/s | by round |");
        Line("|---|---|---|---|---|");
        foreach (var (connections, a, b) in Pairs(results))
        {
            Line(Invariant($"| {connections:N0} | {b.CpuMicrosecondsPerRequest / a.CpuMicrosecondsPerRequest:0.00} | {Ratios(b.CpuMicrosecondsPerRequestByRound, a.CpuMicrosecondsPerRequestByRound)} | {b.OkPerSecond / a.OkPerSecond:0.00} | {Ratios(b.OkPerSecondByRound, a.OkPerSecondByRound)} |"));
        }

        Line("");
        Line($"Maximum Pool Size, from `/health`: {string.Join(", ", results.PoolSizes.Select(p => $"{p.Key} {p.Value?.ToString(CultureInfo.InvariantCulture) ?? "n/a"}"))}.");
        Line($"CPU per request in the 5 s windows of the warm-up: {string.Join("; ", results.WarmUps.Select(w => $"{w.Key} {Joined(w.Value)}"))}.");

        Line("");
        Line("## Share of B's reads the standby served");
        Line("");
        Line("The routed reads B counts itself, from its `/health` (`read-replicas`: each host's `reads`, and `primaryReads` by the reason the primary served a read instead), read before each round of B (lead-in included) and after it; each routed read is counted once. Share = replica reads ÷ (replica reads + primary reads). A is idle meanwhile.");
        Line("");
        var reasons = results.Shares.SelectMany(s => s.Primary.Keys).Distinct().ToList();
        Line($"| connections | round | seconds | replica reads | {string.Join(" | ", reasons.Select(r => $"primary reads: {r}"))} | replica's share |");
        Line($"|---|---|---|---|{string.Concat(reasons.Select(_ => "---|"))}---|");
        foreach (var s in results.Shares)
        {
            Line(Invariant($"| {s.Connections:N0} | {s.Round} | {s.Seconds:0.0} | {s.Replica:N0} | {string.Join(" | ", reasons.Select(r => s.Primary.GetValueOrDefault(r).ToString("N0", CultureInfo.InvariantCulture)))} | {s.ReplicaShare:P2} |"));
        }

        foreach (var group in results.Shares.GroupBy(s => s.Connections))
        {
            Line(Invariant($"| {group.Key:N0} | all | {group.Sum(s => s.Seconds):0.0} | {group.Sum(s => s.Replica):N0} | {string.Join(" | ", reasons.Select(r => group.Sum(s => s.Primary.GetValueOrDefault(r)).ToString("N0", CultureInfo.InvariantCulture)))} | **{ReadShare.Over(group):P2}** |"));
        }

        Line("");
        Line("## Consistency");
        Line("");
        var bound = results.MaxLagSeconds * 1000;
        Line(Invariant($"Against B: each pair creates a listing (`POST` with an `Idempotency-Key`) and at once reads `GET /api/v1/listings/{{id}}` twice side by side, with the answer's `Listings-Consistency` token and without it; 404 is a stale read. A stale read without the token is read again every 5 ms until it shows (up to 2 s). For a stale read, the **data age** is the time from the write's answer to the *start* of the first read that showed it; **until seen** is the time to that read's *answer* (its round trip included, 0 for a fresh read in the p99); **last stale start** is the time to the start of the last read that did not show it, one re-read before the data age. The bound promises: a read started at T shows every write answered before T − MaxLagSeconds ({bound:N0} ms), plus the primary→standby transit (not measured here), so no last stale start should exceed it. Routed reads: B's `/health` counts over the run."));
        Line("");
        Line("| run | seconds | pairs | writes refused | stale with the token | other answers with it | stale without the token | never visible in 2 s | data age p50 ms | p99 | max | last stale start, max ms | until seen p99 ms (all reads) | max | stale reads' p50 | other answers without it | replica reads | primary reads |");
        Line("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var c in results.Consistency)
        {
            var stale = c.StaleWithoutToken > 0;
            Line(Invariant($"| {c.Name} | {c.Seconds:0.0} | {c.Pairs:N0} | {c.WritesRefused} | {c.StaleWithToken} | {c.OtherWithToken} | {c.StaleWithoutToken} | {c.NeverVisible} | {Ms(stale, c.DataAgeP50Ms)} | {Ms(stale, c.DataAgeP99Ms)} | {Ms(stale, c.DataAgeMaxMs)} | {Ms(stale, c.LastStaleStartMaxMs)} | {c.UntilSeenP99Ms:0.0} | {c.UntilSeenMaxMs:0.0} | {Ms(stale, c.StaleUntilSeenP50Ms)} | {c.OtherWithoutToken} | {c.ReplicaReads:N0} | {PrimaryReads(c.PrimaryReads)} |"));
        }

        Line("");
        Line("## Capacity per host");
        Line("");
        Line(Invariant($"pgbench `-M prepared -c 20 -j 2` on the page SQL the API logged, each host alone (the APIs idle): primary {results.PrimaryPgBenchTps?.ToString("N0", CultureInfo.InvariantCulture) ?? "n/a"} transactions/s, standby {results.StandbyPgBenchTps?.ToString("N0", CultureInfo.InvariantCulture) ?? "n/a"}."));
        Line("");
        Line($"`{results.PageSql ?? "no page SQL found"}`");

        Line("");
        foreach (var line in TargetResult.Section(results.Goals))
        {
            Line(line);
        }

        return text.ToString();
    }

    // A's and B's points at each connection count.
    private static IEnumerable<(int Connections, CeilingPoint A, CeilingPoint B)> Pairs(ReplicaResults results) =>
        from a in results.Points.Where(p => p.Setting == ReplicaSetting.PrimaryOnly.Name)
        join b in results.Points.Where(p => p.Setting == ReplicaSetting.WithReplica.Name) on a.Connections equals b.Connections
        select (a.Connections, a, b);

    private static string Staleness(ConsistencyOutcome run) =>
        Invariant($"{run.StaleWithoutToken} stale of {run.Pairs:N0}; last stale start max {run.LastStaleStartMaxMs:N0} ms, data age max {run.DataAgeMaxMs:N0} ms; {run.NeverVisible} never visible");

    private static string Ms(bool any, double value) => any ? value.ToString("0.0", CultureInfo.InvariantCulture) : "n/a";

    private static string PrimaryReads(IReadOnlyDictionary<string, long> reads) =>
        reads.Values.Sum() == 0 ? "0" : string.Join(", ", reads.Where(r => r.Value > 0).Select(r => Invariant($"{r.Key} {r.Value:N0}")));

    private static string Joined(IEnumerable<double> values) => string.Join(", ", values.Select(v => v.ToString("N0", CultureInfo.InvariantCulture)));

    private static string Ratios(IReadOnlyList<double> b, IReadOnlyList<double> a) =>
        string.Join(", ", b.Zip(a, (x, y) => (x / y).ToString("0.00", CultureInfo.InvariantCulture)));

    private static string Invariant(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
