using System.Globalization;
using System.Text;
using Listings.Benchmarks.Faults.Analysis;

namespace Listings.Benchmarks.Faults.Report;

/// <summary>The Markdown tables every scenario's section shares.</summary>
public static class FaultTables
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Requests by outcome.</summary>
    /// <param name="text">The report.</param>
    /// <param name="requests">The counts.</param>
    public static void Requests(StringBuilder text, RequestSummary requests)
    {
        text.AppendLine(Invariant, $"{requests.Requests} requests, {requests.Succeeded} succeeded; {requests.ReadErrors} failed reads, {requests.WriteErrors} failed write tries, {requests.Timeouts} timeouts (hangs), {requests.ConnectionErrors} connection errors. By outcome: {string.Join(", ", requests.ByOutcome.Select(kv => $"{kv.Key}: {kv.Value}"))}.")
            .AppendLine();
        if (requests.Errors.Count > 0)
        {
            text.AppendLine(Invariant, $"Errors by answer: {string.Join("; ", requests.Errors.Select(kv => $"{kv.Key}: {kv.Value}"))}.").AppendLine();
        }
    }

    /// <summary>Latency per phase.</summary>
    /// <param name="text">The report.</param>
    /// <param name="phases">The phases.</param>
    public static void Phases(StringBuilder text, IEnumerable<PhaseLatency> phases)
    {
        text.AppendLine("| phase | from | to | requests | errors | p50 ms | p99 ms | max ms | bound | over bound |")
            .AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var phase in phases)
        {
            text.AppendLine(Invariant, $"| {phase.Phase} | {phase.FromSeconds:0.00} s | {phase.ToSeconds:0.00} s | {phase.Requests} | {phase.Errors} | {Ms(phase.P50Ms)} | {Ms(phase.P99Ms)} | {Ms(phase.MaxMs)} | {phase.BoundMs / 1000:0.#} s | {phase.OverBound} |");
        }

        text.AppendLine();
    }

    /// <summary>The write audit.</summary>
    /// <param name="text">The report.</param>
    /// <param name="writes">The audit.</param>
    public static void Writes(StringBuilder text, WriteAudit writes)
    {
        text.AppendLine("| keys | tries | acknowledged | stored once | lost | duplicated keys (extra rows) | other id | unacknowledged (stored anyway) | rejected | unknown rows |")
            .AppendLine("|---|---|---|---|---|---|---|---|---|---|")
            .AppendLine(Invariant, $"| {writes.Keys} | {writes.Attempts} | {writes.Acknowledged} | {writes.AcknowledgedStored} | {writes.Lost} | {writes.DuplicatedKeys} ({writes.DuplicateRows}) | {writes.IdMismatches} | {writes.Unacknowledged} ({writes.UnacknowledgedStored}) | {(writes.Rejected.Count == 0 ? "0" : string.Join(", ", writes.Rejected.Select(kv => $"{kv.Key}: {kv.Value}")))} | {writes.UnknownRows} |")
            .AppendLine();
    }

    /// <summary>Errors per second from <paramref name="from"/> to <paramref name="to"/> (seconds relative to the fault).</summary>
    /// <param name="text">The report.</param>
    /// <param name="timeline">The buckets.</param>
    /// <param name="from">The first second shown.</param>
    /// <param name="to">The last second shown.</param>
    public static void Timeline(StringBuilder text, IReadOnlyList<TimelineBucket> timeline, int from, int to)
    {
        text.AppendLine("| second | answers | ok | read errors | write errors | 503 | other status | timeouts | connection errors |")
            .AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var bucket in timeline.Where(b => b.Second >= from && b.Second <= to))
        {
            text.AppendLine(Invariant, $"| {bucket.Second:+0;-0;0} | {bucket.Requests} | {bucket.Succeeded} | {bucket.ReadErrors} | {bucket.WriteErrors} | {bucket.ServiceUnavailable} | {bucket.OtherStatuses} | {bucket.Timeouts} | {bucket.ConnectionErrors} |");
        }

        text.AppendLine();
    }

    /// <summary>The range of seconds worth showing: a little before the fault to a little after the last error or the window.</summary>
    /// <param name="timeline">The buckets.</param>
    /// <param name="windowEnd">The end of the fault's window, in seconds relative to the fault.</param>
    public static (int From, int To) Around(IReadOnlyList<TimelineBucket> timeline, double windowEnd)
    {
        var lastError = timeline.Where(b => b.Errors > 0).Select(b => b.Second).DefaultIfEmpty(0).Max();
        return (-2, Math.Max(lastError, (int)Math.Ceiling(windowEnd)) + 2);
    }

    /// <summary>The API's warnings and errors.</summary>
    /// <param name="text">The report.</param>
    /// <param name="entries">The grouped log lines.</param>
    /// <param name="relativeTo">The fault's moment, so times read as "seconds after the fault".</param>
    public static void ApiLog(StringBuilder text, IReadOnlyList<ApiLogEntry> entries, double relativeTo)
    {
        if (entries.Count == 0)
        {
            text.AppendLine("The API logged no warning or error.").AppendLine();
            return;
        }

        text.AppendLine("| first at (s from the fault) | count | level | category | message |").AppendLine("|---|---|---|---|---|");
        foreach (var entry in entries.Take(12))
        {
            text.AppendLine(Invariant, $"| {entry.FirstSeconds - relativeTo:+0.00;-0.00} | {entry.Count} | {entry.Level} | `{entry.Category}` | {entry.Message.Replace("|", "\\|", StringComparison.Ordinal)} |");
        }

        if (entries.Count > 12)
        {
            text.AppendLine(Invariant, $"| | | | | and {entries.Count - 12} other kinds of line, {entries.Skip(12).Sum(e => e.Count)} lines |");
        }

        text.AppendLine();
    }

    private static string Ms(double value) => double.IsNaN(value) ? "n/a" : value.ToString("0", Invariant);
}
