using Listings.Benchmarks.Throughput.Scenarios;
using ScottPlot;

namespace Listings.Benchmarks.Throughput.Report;

/// <summary>Draws the report's charts as PNG files with ScottPlot.</summary>
public static class Charts
{
    private const int Width = 900;
    private const int Height = 500;

    /// <summary>Writes every chart that has data and returns the file names written.</summary>
    /// <param name="results">The results.</param>
    /// <param name="directory">The output folder.</param>
    public static IReadOnlyList<string> Write(BenchmarkResults results, string directory)
    {
        var written = new List<string>();
        if (results.Storms.Count > 0)
        {
            ThroughputAndP99(results.Storms, s => s.Setting, "Storm: 200/s and p99 by setting", Path.Combine(directory, "throughput-p99.png"));
            written.Add("throughput-p99.png");
        }

        if (results.PageDepth.Any(r => r.P50Ms is not null))
        {
            PageDepth(results.PageDepth, Path.Combine(directory, "page-depth.png"));
            written.Add("page-depth.png");
        }

        if (results.PoolSweep.Count > 0)
        {
            ThroughputAndP99(results.PoolSweep, s => $"pool {s.PoolSize}", "Pool-size sweep (policy)", Path.Combine(directory, "pool-sweep.png"));
            written.Add("pool-sweep.png");
        }

        return written;
    }

    // Throughput and p99 differ by orders of magnitude, so each has its own axis: 200/s on the left, p99 on the right.
    private static void ThroughputAndP99(IReadOnlyList<StormResult> rows, Func<StormResult, string> label, string title, string path)
    {
        var plot = new Plot();
        var throughputColor = Colors.SteelBlue;
        var p99Color = Colors.OrangeRed;
        var throughput = plot.Add.Bars(
            rows.Select((_, i) => i - 0.2).ToArray(),
            rows.Select(r => r.OkPerSecond).ToArray());
        throughput.Color = throughputColor;
        foreach (var bar in throughput.Bars)
        {
            bar.Size = 0.38;
        }

        var p99 = plot.Add.Bars(
            rows.Select((_, i) => i + 0.2).ToArray(),
            rows.Select(r => double.IsNaN(r.P99Ms) ? 0 : r.P99Ms).ToArray());
        p99.Color = p99Color;
        p99.Axes.YAxis = plot.Axes.Right;
        foreach (var bar in p99.Bars)
        {
            bar.Size = 0.38;
        }

        plot.Axes.Bottom.SetTicks(rows.Select((_, i) => (double)i).ToArray(), rows.Select(label).ToArray());
        plot.Axes.Left.Label.Text = "200 responses/s";
        plot.Axes.Right.Label.Text = "p99 latency (ms)";
        plot.Title(title);
        plot.Axes.Margins(bottom: 0);
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "200/s (left)", FillColor = throughputColor });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "p99 ms (right)", FillColor = p99Color });
        // Below the plot, where it can never hide a bar.
        plot.ShowLegend(Edge.Bottom);
        plot.SavePng(path, Width, Height);
    }

    private static void PageDepth(IReadOnlyList<PageDepthResult> rows, string path)
    {
        var plot = new Plot();
        var depths = rows.Select(r => r.Page).Distinct().Order().ToArray();
        foreach (var series in rows.GroupBy(r => (r.Rows, r.Mode)))
        {
            var points = series.Where(r => r.P50Ms is not null).OrderBy(r => r.Page).ToArray();
            if (points.Length == 0)
            {
                continue;
            }

            var scatter = plot.Add.Scatter(
                points.Select(p => (double)Array.IndexOf(depths, p.Page)).ToArray(),
                points.Select(p => p.P50Ms!.Value).ToArray());
            scatter.LegendText = $"{series.Key.Mode}, {series.Key.Rows:N0} rows";
            scatter.LineStyle.Pattern = series.Key.Mode == "cursor" ? LinePattern.Dashed : LinePattern.Solid;
            scatter.MarkerSize = 7;
        }

        plot.Axes.Bottom.SetTicks(depths.Select((_, i) => (double)i).ToArray(), depths.Select(d => $"page {d}").ToArray());
        plot.Axes.Left.Label.Text = "p50 latency (ms), sequential requests";
        var cursorMeasured = rows.Any(r => r.Mode == "cursor" && r.P50Ms is not null);
        plot.Title(cursorMeasured
            ? "Latency by page depth: OFFSET (solid) vs cursor (dashed)"
            : "Latency by page depth: OFFSET (cursor: n/a, the API returns no nextCursor)");
        plot.Legend.Alignment = Alignment.UpperLeft;
        plot.ShowLegend();
        plot.SavePng(path, Width, Height);
    }
}
