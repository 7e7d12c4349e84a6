namespace Listings.Benchmarks;

/// <summary>A goal printed beside the results; goals are reported, never asserted.</summary>
/// <param name="Goal">What is aimed for.</param>
/// <param name="Actual">What this run measured.</param>
/// <param name="Met">Whether the goal was met; null when it could not be judged.</param>
public sealed record TargetResult(string Goal, string Actual, bool? Met)
{
    /// <summary>The report's closing section: every goal, what was measured, and whether it was met.</summary>
    public static IEnumerable<string> Section(IEnumerable<TargetResult> goals) =>
    [
        "## Goals (printed, never asserted)",
        "",
        "| goal | measured | met |",
        "|---|---|---|",
        .. goals.Select(goal => $"| {goal.Goal} | {goal.Actual} | {goal.Met switch { true => "yes", false => "**no**", null => "n/a" }} |"),
    ];
}
