using System.Globalization;
using System.Text;

namespace Listings.Benchmarks.Throughput.Report;

/// <summary>Renders <see cref="BenchmarkResults"/> as the Markdown of <c>report.md</c>, which is also printed.</summary>
public static class MarkdownReport
{
    /// <summary>Renders the whole report.</summary>
    /// <param name="results">The results.</param>
    /// <param name="chartFiles">Chart file names written next to the report.</param>
    public static string Render(BenchmarkResults results, IReadOnlyList<string> chartFiles)
    {
        var text = new StringBuilder();
        var machine = results.Machine;
        var parameters = results.Parameters;
        text.AppendLine(CultureInfo.InvariantCulture, $"# Listings benchmark{(parameters.Quick ? " (quick)" : "")}")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"- Date: {machine.StartedUtc:yyyy-MM-dd HH:mm} UTC, run time {machine.RunSeconds:0} s, commit {machine.Commit}")
            .AppendLine(CultureInfo.InvariantCulture, $"- Machine: {machine.Cores} cores ({machine.Cpu}), {machine.Os}")
            .AppendLine(CultureInfo.InvariantCulture, $"- Software: {machine.Runtime}, PostgreSQL {machine.PostgreSql} (max_connections {parameters.ServerMaxConnections}), Npgsql {machine.Npgsql}")
            .AppendLine(CultureInfo.InvariantCulture, $"- Load: API, PostgreSQL and load generator on the same machine, loopback only; {parameters.SeedCount:N0} listings; GET page 1, pageSize 20")
            .AppendLine(CultureInfo.InvariantCulture, $"- Storm: {parameters.StormClients} closed-loop clients for {parameters.StormSeconds} s per setting, a fresh API process each, client timeout {parameters.RequestTimeoutSeconds} s");
        if (results.Failure is not null)
        {
            text.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"**The run stopped early:** {results.Failure}");
        }

        if (results.OriginalCheck is { } check)
        {
            text.AppendLine().AppendLine("## The original check: 20 concurrent GET page=1").AppendLine()
                .AppendLine(CultureInfo.InvariantCulture, $"{check.Ok} of {check.Requests} answered 200 (by status: {string.Join(", ", check.StatusCounts.Select(kv => $"{kv.Key}: {kv.Value}"))}).");
        }

        if (results.Storms.Count > 0)
        {
            text.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"## Storm: {parameters.StormClients} clients, {parameters.StormSeconds} s").AppendLine();
            AppendStormTable(text, results.Storms, "setting", s => s.Setting);
            text.AppendLine().AppendLine("Settings (connection-string keywords; the others also get DatabaseRetry 6/30 and Admission__Enabled=false, the policy Admission__Enabled=true):").AppendLine();
            foreach (var storm in results.Storms)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"- `{storm.Setting}`: {(storm.ConnectionKeywords.Length == 0 ? "no pool keywords (the service's policy)" : $"`{storm.ConnectionKeywords}`")}; statuses {string.Join(", ", storm.StatusCounts.Select(kv => $"{kv.Key}: {kv.Value}"))}");
            }
        }

        if (results.Efficiency is { } efficiency)
        {
            text.AppendLine().AppendLine("## Efficiency: the API against pgbench running its SQL").AppendLine()
                .AppendLine("| API 200/s (policy storm) | pgbench clients | pgbench tps, page query alone | ratio | pgbench tps, count + page | ratio |")
                .AppendLine("|---|---|---|---|---|---|")
                .AppendLine(CultureInfo.InvariantCulture, $"| {Number(efficiency.ApiOkPerSecond, "0")} | {efficiency.PgBenchClients} | {Number(efficiency.PageOnlyTps, "0")} | {Number(efficiency.Ratio, "0.00")} | {Number(efficiency.PgBenchTps, "0")} | {Number(efficiency.CountAndPageRatio, "0.00")} |")
                .AppendLine()
                .AppendLine("The API counts at most once every 2 s per filter, so per request it sends the page query alone: the first ratio is the strict one (pgbench -M prepared, alone on the machine, while the API shares it with the load generator).");
            if (efficiency.Note is not null)
            {
                text.AppendLine().AppendLine(efficiency.Note);
            }

            if (efficiency.CountSql is not null)
            {
                text.AppendLine().AppendLine("```sql").AppendLine(efficiency.CountSql + ";").AppendLine(efficiency.PageSql + ";").AppendLine("```");
            }
        }

        if (results.PageDepth.Count > 0)
        {
            text.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"## Latency by page depth ({parameters.DepthRequests} sequential requests each, ms)").AppendLine()
                .AppendLine("| rows | page | offset p50 | offset p99 | cursor p50 | cursor p99 |")
                .AppendLine("|---|---|---|---|---|---|");
            foreach (var group in results.PageDepth.GroupBy(r => (r.Rows, r.Page)))
            {
                var offset = group.FirstOrDefault(r => r.Mode == "offset");
                var cursor = group.FirstOrDefault(r => r.Mode == "cursor");
                text.AppendLine(CultureInfo.InvariantCulture, $"| {group.Key.Rows:N0} | {group.Key.Page} | {Cell(offset, r => r.P50Ms)} | {Cell(offset, r => r.P99Ms)} | {Cell(cursor, r => r.P50Ms)} | {Cell(cursor, r => r.P99Ms)} |");
            }

            var notes = results.PageDepth.Where(r => r.Note is not null).Select(r => $"{r.Mode}: {r.Note}").Distinct().ToList();
            if (notes.Count > 0)
            {
                text.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"n/a means: {string.Join("; ", notes)}.");
            }
        }

        if (results.PoolSweep.Count > 0)
        {
            var first = results.PoolSweep[0];
            text.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"## Pool-size sweep (policy, {first.Clients} clients, {first.DurationSeconds:0} s each)").AppendLine();
            AppendStormTable(text, results.PoolSweep, "Maximum Pool Size", s => s.PoolSize?.ToString(CultureInfo.InvariantCulture) ?? "?");
        }

        if (results.Targets.Count > 0)
        {
            text.AppendLine().AppendLine("## Goals (reported, not asserted)").AppendLine()
                .AppendLine("| goal | this run | met |").AppendLine("|---|---|---|");
            foreach (var target in results.Targets)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"| {target.Goal} | {target.Actual} | {target.Met switch { true => "yes", false => "no", null => "n/a" }} |");
            }
        }

        if (chartFiles.Count > 0)
        {
            text.AppendLine().AppendLine("## Charts").AppendLine();
            foreach (var chart in chartFiles)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"![{Path.GetFileNameWithoutExtension(chart)}]({chart})");
            }
        }

        return text.ToString();
    }

    private static void AppendStormTable(StringBuilder text, IEnumerable<StormResult> rows, string firstColumn,
        Func<StormResult, string> name)
    {
        text.AppendLine(CultureInfo.InvariantCulture, $"| {firstColumn} | 200 | 503 with Retry-After | other statuses | connection errors | timeouts | responses/s | 200/s | p50 ms | p99 ms | max ms | peak server connections |")
            .AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var s in rows)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {name(s)} | {s.Ok} | {s.ServiceUnavailableWithRetryAfter} | {s.OtherStatuses} | {s.ConnectionErrors} | {s.Timeouts} | {s.ResponsesPerSecond:0} | {s.OkPerSecond:0} | {s.P50Ms:0.0} | {s.P99Ms:0.0} | {s.MaxMs:0.0} | {s.PeakServerConnections} |");
        }
    }

    private static string Cell(PageDepthResult? result, Func<PageDepthResult, double?> value) =>
        result is null ? "" : value(result)?.ToString("0.00", CultureInfo.InvariantCulture) ?? "n/a";

    private static string Number(double? value, string format) =>
        value?.ToString(format, CultureInfo.InvariantCulture) ?? "n/a";
}
