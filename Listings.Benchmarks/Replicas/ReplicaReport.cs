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

        var bound = results.MaxLagSeconds * 1000;
        if (results.Consistency.FirstOrDefault(r => r.Name == "replay running") is { } running)
        {
            yield return new(Invariant($"replay running: staleness without the token ≤ MaxLagSeconds ({bound:N0} ms)"), Staleness(running), running.NeverVisible == 0 && running.StalenessMaxMs <= bound);
        }

        if (results.Consistency.FirstOrDefault(r => r.Name == "replay paused") is { } paused)
        {
            var pausedBound = bound + results.PollMilliseconds;
            yield return new(Invariant($"replay paused: staleness without the token ≤ MaxLagSeconds + one lag reading ({pausedBound:N0} ms)"), Staleness(paused), paused.NeverVisible == 0 && paused.StalenessMaxMs <= pausedBound);
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
        Line(Invariant($"`pg_stat_database.xact_commit` of the API's database on each server, read before each round of B (lead-in included) and after it, each reading once the counts have settled (a backend reports its counts at most once a second, and under load up to 10 s late): the primary's still and the standby's grown by no more than the lag monitor's readings over 1.5 s. The lag monitor's readings are subtracted: the standby's rate with both APIs idle, {results.MonitorTransactionsPerSecond?.ToString("0.0", CultureInfo.InvariantCulture) ?? "n/a"} transactions/s, times the window. A is idle meanwhile."));
        Line("");
        Line("| connections | round | seconds | standby transactions | of them the monitor's | primary transactions | standby's share of the reads |");
        Line("|---|---|---|---|---|---|---|");
        foreach (var s in results.Shares)
        {
            Line(Invariant($"| {s.Connections:N0} | {s.Round} | {s.Seconds:0.0} | {s.Standby:N0} | {s.Monitor:N0} | {s.Primary:N0} | {s.ReplicaShare:P1} |"));
        }

        foreach (var group in results.Shares.GroupBy(s => s.Connections))
        {
            Line(Invariant($"| {group.Key:N0} | all | {group.Sum(s => s.Seconds):0.0} | {group.Sum(s => s.Standby):N0} | {group.Sum(s => s.Monitor):N0} | {group.Sum(s => s.Primary):N0} | **{ReadShare.Over(group):P1}** |"));
        }

        Line("");
        Line("## Consistency");
        Line("");
        Line("Against B: each pair creates a listing (`POST` with an `Idempotency-Key`) and at once reads `GET /api/v1/listings/{id}` twice side by side, with the answer's `Listings-Consistency` token and without it; 404 is a stale read. A stale read without the token is read again every 5 ms until it shows (up to 2 s); staleness is the time from the write's answer to that read, 0 for a fresh one.");
        Line("");
        Line("| run | seconds | pairs | writes refused | stale with the token | other answers with it | stale without the token | never visible in 2 s | staleness p99 ms | max ms | stale reads' p50 ms | other answers without it |");
        Line("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var c in results.Consistency)
        {
            Line(Invariant($"| {c.Name} | {c.Seconds:0.0} | {c.Pairs:N0} | {c.WritesRefused} | {c.StaleWithToken} | {c.OtherWithToken} | {c.StaleWithoutToken} | {c.NeverVisible} | {c.StalenessP99Ms:0.0} | {c.StalenessMaxMs:0.0} | {(c.StaleWithoutToken == 0 ? "n/a" : c.StaleP50Ms.ToString("0.0", CultureInfo.InvariantCulture))} | {c.OtherWithoutToken} |"));
        }

        Line("");
        Line("## Capacity per host");
        Line("");
        Line(Invariant($"pgbench `-M prepared -c 20 -j 2` on the page SQL the API logged, each host alone (the APIs idle): primary {results.PrimaryPgBenchTps?.ToString("N0", CultureInfo.InvariantCulture) ?? "n/a"} transactions/s, standby {results.StandbyPgBenchTps?.ToString("N0", CultureInfo.InvariantCulture) ?? "n/a"}."));
        Line("");
        Line($"`{results.PageSql ?? "no page SQL found"}`");

        Line("");
        Line("## Goals (printed, never asserted)");
        Line("");
        Line("| goal | measured | met |");
        Line("|---|---|---|");
        foreach (var goal in results.Goals)
        {
            Line($"| {goal.Goal} | {goal.Actual} | {goal.Met switch { true => "yes", false => "**no**", null => "n/a" }} |");
        }

        return text.ToString();
    }

    // A's and B's points at each connection count.
    private static IEnumerable<(int Connections, CeilingPoint A, CeilingPoint B)> Pairs(ReplicaResults results) =>
        from a in results.Points.Where(p => p.Setting == ReplicaSetting.PrimaryOnly.Name)
        join b in results.Points.Where(p => p.Setting == ReplicaSetting.WithReplica.Name) on a.Connections equals b.Connections
        select (a.Connections, a, b);

    private static string Staleness(ConsistencyOutcome run) =>
        Invariant($"{run.StaleWithoutToken} stale of {run.Pairs:N0}, max {run.StalenessMaxMs:N0} ms, {run.NeverVisible} never visible");

    private static string Joined(IEnumerable<double> values) => string.Join(", ", values.Select(v => v.ToString("N0", CultureInfo.InvariantCulture)));

    private static string Ratios(IReadOnlyList<double> b, IReadOnlyList<double> a) =>
        string.Join(", ", b.Zip(a, (x, y) => (x / y).ToString("0.00", CultureInfo.InvariantCulture)));

    private static string Invariant(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
