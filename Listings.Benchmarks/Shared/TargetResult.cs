namespace Listings.Benchmarks;

/// <summary>A goal printed beside the results; goals are reported, never asserted.</summary>
/// <param name="Goal">What is aimed for.</param>
/// <param name="Actual">What this run measured.</param>
/// <param name="Met">Whether the goal was met; null when it could not be judged.</param>
public sealed record TargetResult(string Goal, string Actual, bool? Met);
