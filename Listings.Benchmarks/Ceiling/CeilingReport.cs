using System.Globalization;
using System.Text;
using ScottPlot;

namespace Listings.Benchmarks.Ceiling;

/// <summary>The ceiling run's goals, Markdown report and chart.</summary>
public static class CeilingReport
{
    private const string ChartFile = "ceiling.png";

    /// <summary>The goals beside the numbers: printed, never asserted.</summary>
    public static IEnumerable<CeilingGoal> Goals(CeilingResults results)
    {
        CeilingPoint? At(CeilingSetting setting, int connections) =>
            results.Points.FirstOrDefault(p => p.Setting == setting.Name && p.Connections == connections);

        foreach (var connections in new[] { 64, 1000 })
        {
            var api = At(CeilingSetting.Api, connections);
            var raw = At(CeilingSetting.RawNpgsql, connections);
            yield return api is null || raw is null || raw.OkPerSecond == 0
                ? new($"{connections} connections: API 200/s ≥ 0.8 × raw", "n/a", null)
                : new($"{connections} connections: API 200/s ≥ 0.8 × raw", Invariant($"{api.OkPerSecond:0} / {raw.OkPerSecond:0} = {api.OkPerSecond / raw.OkPerSecond:0.00}"), api.OkPerSecond >= 0.8 * raw.OkPerSecond);
            yield return api is null
                ? new($"{connections} connections: API ≤ 5 % non-2xx, p99 < 1 s", "n/a", null)
                : new($"{connections} connections: API ≤ 5 % non-2xx, p99 < 1 s", Invariant($"{api.NonSuccessShare:P1} non-2xx, p99 {api.P99Ms:0} ms, {api.SocketErrors} socket errors"),
                    api.NonSuccessShare <= 0.05 && api.P99Ms < 1000 && api.SocketErrors == 0);
        }

        var apiCpu = results.Points.Where(p => p.Setting == CeilingSetting.Api.Name && p.Connections == 64).Select(p => p.CpuMicrosecondsPerRequest).FirstOrDefault();
        var rawCpu = results.Points.Where(p => p.Setting == CeilingSetting.RawNpgsql.Name && p.Connections == 64).Select(p => p.CpuMicrosecondsPerRequest).FirstOrDefault();
        yield return apiCpu > 0 && rawCpu > 0
            ? new("64 connections: API CPU per request ≤ 1.5 × raw", Invariant($"{apiCpu:0} µs / {rawCpu:0} µs = {apiCpu / rawCpu:0.00}"), apiCpu <= 1.5 * rawCpu)
            : new("64 connections: API CPU per request ≤ 1.5 × raw", "n/a", null);

        var off = At(CeilingSetting.ApiWithoutAdmission, 1000);
        var raw1000 = At(CeilingSetting.RawNpgsql, 1000);
        yield return off is null || raw1000 is null || raw1000.OkPerSecond == 0
            ? new("admission off, 1,000 connections: no collapse (200/s ≥ 0.8 × raw, no timeouts)", "n/a", null)
            : new("admission off, 1,000 connections: no collapse (200/s ≥ 0.8 × raw, no timeouts)",
                Invariant($"{off.OkPerSecond:0} / {raw1000.OkPerSecond:0} = {off.OkPerSecond / raw1000.OkPerSecond:0.00}, {off.SocketErrors} socket errors"),
                off.OkPerSecond >= 0.8 * raw1000.OkPerSecond && off.SocketErrors == 0);

        var advice = results.Advice?.RecommendedMaxPoolSize;
        yield return results.Knee is not { } knee || !int.TryParse(advice, CultureInfo.InvariantCulture, out var recommended)
            ? new("/health's recommendation under load within ±25 % of the sweep's knee", $"knee {results.Knee?.ToString(CultureInfo.InvariantCulture) ?? "n/a"}, advice {advice ?? "n/a"}", null)
            : new("/health's recommendation under load within ±25 % of the sweep's knee", $"knee {knee}, advice {recommended}", Math.Abs(recommended - knee) <= 0.25 * knee);
    }

    /// <summary>Renders <c>ceiling.md</c>.</summary>
    public static string Render(CeilingResults results, IReadOnlyList<string> charts)
    {
        var machine = results.Machine;
        var text = ReportHeading.Start("The API against its ceiling", results.Quick,
            Invariant($"{machine.Cores} cores ({machine.Cpu}), {machine.Os}, PostgreSQL {machine.PostgreSql}, {machine.Runtime}, Npgsql {machine.Npgsql}, commit {machine.Commit}; {results.PointSeconds:0} s per point in {results.Rounds} rounds (the three processes side by side, loaded in turn, the order reversed every other round; each round after {results.LeadInSeconds:0} s of unmeasured load), `wrk -t2 --timeout 10s`, `GET /api/v1/listings?page=1&pageSize=20` on 100,000 listings; the API's policy chose a pool of {results.ApiPoolSize?.ToString(CultureInfo.InvariantCulture) ?? "n/a"} connections and the raw endpoint ran the same; run took {machine.RunSeconds:0} s."),
            results.Failure);
        void Line(string line) => text.AppendLine(line);

        Line("");
        Line("| setting | connections | 200/s | 200/s by round | non-2xx | socket errors | p50 ms | p99 ms | CPU µs/request | peak server connections |");
        Line("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var p in results.Points.OrderBy(p => Array.IndexOf([.. CeilingSetting.All.Select(s => s.Name)], p.Setting)).ThenBy(p => p.Connections))
        {
            Line(Invariant($"| {p.Setting} | {p.Connections:N0} | {p.OkPerSecond:N0} | {string.Join(", ", p.OkPerSecondByRound.Select(r => r.ToString("N0", CultureInfo.InvariantCulture)))} | {p.NonSuccess:N0} | {p.SocketErrors:N0} | {p.P50Ms:0.0} | {p.P99Ms:N0} | {p.CpuMicrosecondsPerRequest:0} | {p.PeakServerConnections} |"));
        }

        Line("");
        Line("p50 is the mean of the rounds' medians, p99 the highest round's; 200/s and CPU per request are totals over the rounds.");
        if (results.Advice is { } alone)
        {
            Line("");
            Line(Invariant($"The API alone at {alone.Connections:N0} connections, measured over {alone.Seconds:0} s: {alone.OkPerSecond:N0} 200/s, {alone.NonSuccess:N0} non-2xx, p99 {alone.P99Ms:N0} ms, {alone.CpuMicrosecondsPerRequest:0} µs CPU/request. `/health`, read {results.AdviceReadAfterSeconds:0} s into that load (its demand window is 60 s), recommended `Maximum Pool Size` **{alone.RecommendedMaxPoolSize ?? "n/a"}**."));
        }

        if (results.Bursts.Count > 0)
        {
            Line("");
            Line(Invariant($"Bursts after idleness: every process sat idle for at least {results.IdleSecondsBeforeBurst:0} s, then {results.Bursts[0].Connections:N0} connections arrived at once, for {results.Bursts[0].Seconds:0} s."));
            Line("");
            Line("| burst after idleness | 200/s | non-2xx | socket errors | p99 ms |");
            Line("|---|---|---|---|---|");
            foreach (var burst in results.Bursts)
            {
                Line(Invariant($"| {burst.Setting} | {burst.OkPerSecond:N0} | {burst.NonSuccess:N0} | {burst.SocketErrors:N0} | {burst.P99Ms:N0} |"));
            }
        }

        if (results.WarmUps.Count > 0)
        {
            Line("");
            Line(Invariant($"Every process was loaded for {results.WarmUpSeconds:0} s at {WarmUp.Connections} connections before it was measured (the JIT settling; see `WarmUp.cs`). CPU µs per request in each 5 s window of it: ")
                + string.Join("; ", results.WarmUps.Select(w => $"{w.Key}: {string.Join(", ", w.Value.Select(v => v.ToString("0", CultureInfo.InvariantCulture)))}")) + ".");
        }

        Line("");
        Line(Invariant($"pgbench, `-M prepared -c 20 -j 2`, the page SQL alone: **{results.PgBenchTps?.ToString("N0", CultureInfo.InvariantCulture) ?? "n/a"} tps** (`{results.PageSql ?? "not captured"}`)."));
        Line("");
        Line("| clients honouring `Retry-After` | clients | all answered after | median client answered after | 503s on the way | most tries by one client | `Retry-After` seen (s) |");
        Line("|---|---|---|---|---|---|---|");
        foreach (var storm in results.RetryStorms)
        {
            var o = storm.Outcome;
            Line(Invariant($"| {storm.Setting} | {o.Clients:N0} | {(o.Answered == o.Clients ? $"{o.SecondsUntilAllAnswered:0.0} s" : $"{o.Answered} of {o.Clients} within {o.SecondsUntilAllAnswered:0} s")} | {o.P50Seconds:0.0} s | {o.ServiceUnavailable:N0} | {o.MaxTries} | {o.RetryAfterSeconds} |"));
        }

        if (results.Sweep.Count > 0)
        {
            Line("");
            Line(Invariant($"Pool sweep (the API, {results.Sweep[0].Connections} connections): ") + string.Join(", ",
                results.Sweep.Select(p => Invariant($"pool {p.PoolSize}: {p.OkPerSecond:N0} 200/s (p99 {p.P99Ms:N0} ms)")))
                + Invariant($". Knee (smallest pool within 5 % of the best): **{results.Knee?.ToString(CultureInfo.InvariantCulture) ?? "n/a"}**; `/health` recommended under 1,000 connections: **{results.Advice?.RecommendedMaxPoolSize ?? "n/a"}**."));
        }

        Line("");
        Line("| goal (printed, never asserted) | measured | met |");
        Line("|---|---|---|");
        foreach (var goal in results.Goals)
        {
            Line($"| {goal.Goal} | {goal.Measured} | {goal.Met switch { true => "yes", false => "**no**", null => "n/a" }} |");
        }

        foreach (var chart in charts)
        {
            Line("");
            Line($"![200/s and p99 by connections]({chart})");
        }

        return text.ToString();
    }

    /// <summary>Draws 200/s by connections per setting; returns the files written (none without SkiaSharp's native library).</summary>
    public static IReadOnlyList<string> TryWriteChart(CeilingResults results, string directory)
    {
        if (results.Points.Count == 0)
        {
            return [];
        }

        try
        {
            var plot = new Plot();
            var levels = results.Points.Select(p => p.Connections).Distinct().Order().ToArray();
            foreach (var series in results.Points.GroupBy(p => p.Setting))
            {
                var points = series.OrderBy(p => p.Connections).ToArray();
                var scatter = plot.Add.Scatter(
                    points.Select(p => (double)Array.IndexOf(levels, p.Connections)).ToArray(),
                    points.Select(p => p.OkPerSecond).ToArray());
                scatter.LegendText = series.Key;
                scatter.MarkerSize = 8;
            }

            plot.Axes.Bottom.SetTicks(levels.Select((_, i) => (double)i).ToArray(), levels.Select(l => $"{l} connections").ToArray());
            plot.Axes.Left.Label.Text = "200 responses/s";
            // From zero, so the gaps between the settings read at their true size.
            plot.Axes.SetLimitsY(0, results.Points.Max(p => p.OkPerSecond) * 1.15);
            plot.Axes.SetLimitsX(-0.5, levels.Length - 0.5);
            plot.Title("200/s by concurrent connections (wrk)");
            plot.ShowLegend(Edge.Bottom);
            plot.SavePng(Path.Combine(directory, ChartFile), 900, 500);
            return [ChartFile];
        }
        catch (Exception exception) when (exception is DllNotFoundException or TypeInitializationException or IOException)
        {
            RunFrame.Log($"The chart was not drawn: {exception.Message}");
            return [];
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
