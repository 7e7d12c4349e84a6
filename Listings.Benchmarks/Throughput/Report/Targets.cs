using System.Globalization;
using Listings.Benchmarks.Throughput.Scenarios;

namespace Listings.Benchmarks.Throughput.Report;

/// <summary>The goals printed beside the results. They are reported, never asserted: a benchmark informs.</summary>
public static class Targets
{
    /// <summary>The server connections the policy plans for a direct connection: a third of Supabase Free's 60.</summary>
    public const int PlannedServerConnections = 20;

    /// <summary>Judges the results against the goals.</summary>
    /// <param name="results">The results so far.</param>
    public static IReadOnlyList<TargetResult> Evaluate(BenchmarkResults results)
    {
        var targets = new List<TargetResult>();
        if (results.OriginalCheck is { } check)
        {
            targets.Add(new("original check: 20 of 20 answer 200", $"{check.Ok} of {check.Requests}", check.Ok == check.Requests));
        }

        var policy = results.Storms.FirstOrDefault(s => s.Setting == ApiSetting.PolicyName);
        if (policy is not null)
        {
            targets.Add(new("policy storm: only 200 and 503 with Retry-After", $"{policy.OtherStatuses} other", policy.OtherStatuses == 0));
            targets.Add(new("policy storm: zero connection errors and timeouts",
                $"{policy.ConnectionErrors} errors, {policy.Timeouts} timeouts", policy.ConnectionErrors + policy.Timeouts == 0));
            targets.Add(new($"policy storm: peak server connections ≤ {PlannedServerConnections}",
                policy.PeakServerConnections.ToString(CultureInfo.InvariantCulture), policy.PeakServerConnections <= PlannedServerConnections));
            targets.Add(new("policy storm: p99 < 1 s", $"{policy.P99Ms.ToString("0", CultureInfo.InvariantCulture)} ms", policy.P99Ms < 1000));
            var others = results.Storms.Where(s => s.Setting != ApiSetting.PolicyName).ToList();
            var best = others.MaxBy(s => s.OkPerSecond);
            targets.Add(new("policy 200/s ≥ every other setting",
                best is null ? "no other setting" : $"{policy.OkPerSecond:0} vs best other {best.OkPerSecond:0} ({best.Setting})",
                best is null ? null : policy.OkPerSecond >= best.OkPerSecond));
        }

        if (results.Efficiency is { } efficiency)
        {
            targets.Add(new("efficiency (API 200/s ÷ pgbench tps of the page query) ≥ 0.5",
                efficiency.Ratio?.ToString("0.00", CultureInfo.InvariantCulture) ?? efficiency.Note ?? "n/a",
                efficiency.Ratio is { } ratio ? ratio >= 0.5 : null));
        }

        return targets;
    }
}
