using System.Globalization;
using System.Text;
using Listings.Benchmarks.Ceiling;

namespace Listings.Benchmarks.Compare;

/// <summary>The compare run's Markdown report.</summary>
public static class CompareReport
{
    /// <summary>The ratios reported per connection count: the candidate over the baseline, each build over the raw endpoint.</summary>
    public static IEnumerable<CompareRatio> Ratios(CompareResults results)
    {
        CeilingPoint? At(CompareSetting setting, int connections) =>
            results.Points.FirstOrDefault(p => p.Setting == setting.Name && p.Connections == connections);

        foreach (var connections in results.Points.Select(p => p.Connections).Distinct().Order())
        {
            foreach (var (over, under) in new[]
            {
                (CompareSetting.Candidate, CompareSetting.Baseline),
                (CompareSetting.Baseline, CompareSetting.RawNpgsql),
                (CompareSetting.Candidate, CompareSetting.RawNpgsql),
            })
            {
                if (At(over, connections) is { } numerator && At(under, connections) is { } denominator)
                {
                    yield return CompareRatio.Of(numerator, denominator);
                }
            }
        }
    }

    /// <summary>Renders <c>compare.md</c>.</summary>
    public static string Render(CompareResults results)
    {
        var machine = results.Machine;
        var text = ReportHeading.Start("Two builds of the API side by side", results.Quick,
            Invariant($"{machine.Cores} cores ({machine.Cpu}), {machine.Os}, PostgreSQL {machine.PostgreSql}, {machine.Runtime}, benchmark at commit {machine.Commit}; the three processes side by side against one server holding {results.Listings?.ToString("N0", CultureInfo.InvariantCulture) ?? "n/a"} listings, each loaded {results.WarmUpSeconds:0} s at {WarmUp.Connections} connections first, then {results.PointSeconds:0} s per point in {results.Rounds} rounds (loaded in turn, the order reversed every other round; each round after {results.LeadInSeconds:0} s of unmeasured load), `wrk -t2 --latency --timeout 10s`, `GET /{SideBySide.PagePath}`; load average (1, 5, 15 min) {results.LoadAverageAtStart} when the run started, {results.LoadAverageAtEnd} at its end (its own load included: under 1,000 connections the processes keep many threads runnable); run took {machine.RunSeconds:0} s."),
            results.Failure);
        void Line(string line) => text.AppendLine(line);

        Line("");
        Line("| setting | project | ref | commit | environment beyond the run's own | Maximum Pool Size |");
        Line("|---|---|---|---|---|---|");
        foreach (var build in results.Builds)
        {
            var environment = build.Environment.Count == 0 ? "" : string.Join(", ", build.Environment.Select(e => $"`{e.Key}={e.Value}`"));
            Line($"| {build.Setting} | {build.Project} | `{Cell(build.Ref)}` | {build.Commit[..Math.Min(build.Commit.Length, 10)]} {Cell(build.Subject)} | {Cell(environment)} | {build.PoolSize?.ToString(CultureInfo.InvariantCulture) ?? "n/a"} |");
        }

        Line("");
        Line("| setting | connections | 200/s | 200/s by round | non-2xx | socket errors | p50 ms | p99 ms | CPU µs/request | CPU µs/request by round | peak server connections |");
        Line("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var p in results.Points.OrderBy(p => p.Connections).ThenBy(p => IndexOf(p.Setting)))
        {
            Line(Invariant($"| {p.Setting} | {p.Connections:N0} | {p.OkPerSecond:N0} | {Join(p.OkPerSecondByRound, "N0")} | {p.NonSuccess:N0} | {p.SocketErrors:N0} | {p.P50Ms:0.0} | {p.P99Ms:N0} | {p.CpuMicrosecondsPerRequest:0} | {Join(p.CpuMicrosecondsPerRequestByRound, "0")} | {p.PeakServerConnections} |"));
        }

        Line("");
        Line("p50 is the mean of the rounds' medians, p99 the highest round's; 200/s and CPU per request are totals over the rounds (CPU: utime + stime of the serving process from `/proc/<pid>/stat` ÷ responses).");
        Line("");
        Line("| ratio | connections | 200/s | 200/s by round | CPU per request | CPU per request by round |");
        Line("|---|---|---|---|---|---|");
        foreach (var r in results.Ratios)
        {
            Line(Invariant($"| {r.Numerator} / {r.Denominator} | {r.Connections:N0} | **{r.OkPerSecond:0.00}** | {Join(r.OkPerSecondByRound, "0.00")} | **{r.CpuPerRequest:0.00}** | {Join(r.CpuPerRequestByRound, "0.00")} |"));
        }

        Line("");
        Line("By round: the two settings' rounds of the same turn, taken next to each other (the candidate runs right after or right before the baseline); their spread is the noise a ratio carries.");
        if (results.WarmUps.Count > 0)
        {
            Line("");
            Line(Invariant($"Warm-up, CPU µs per request in each 5 s window of the {results.WarmUpSeconds:0} s: ")
                + string.Join("; ", results.WarmUps.Select(w => $"{w.Key}: {Join(w.Value, "0")}")) + ".");
        }

        var logged = results.Builds.Where(b => b.CountSql is not null || b.PageSql is not null).ToList();
        if (logged.Count > 0)
        {
            Line("");
            Line("The SQL each API build sent for page 1, logged by a process of its own before the measured ones (EF Core's command log at Information; parameters of the page statement put back as literals):");
            Line("");
            foreach (var build in logged)
            {
                Line($"- {build.Setting}: `{build.CountSql ?? "count not captured"}`; `{build.PageSql ?? "page not captured"}`");
            }
        }

        return text.ToString();
    }

    private static int IndexOf(string setting) => CompareSetting.All.Select(s => s.Name).ToList().IndexOf(setting);

    private static string Join(IEnumerable<double> values, string format) =>
        string.Join(", ", values.Select(v => v.ToString(format, CultureInfo.InvariantCulture)));

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
