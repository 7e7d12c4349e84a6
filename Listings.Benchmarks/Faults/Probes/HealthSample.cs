namespace Listings.Benchmarks.Faults.Probes;

/// <summary>One answer of <c>/health</c> or <c>/alive</c>.</summary>
/// <param name="Path">The endpoint, <c>health</c> or <c>alive</c>.</param>
/// <param name="StartSeconds">When it was asked, on the scenario's clock.</param>
/// <param name="DurationMs">How long the answer took.</param>
/// <param name="Status">The HTTP status, or 0 when there was no answer in time.</param>
public sealed record HealthSample(string Path, double StartSeconds, double DurationMs, int Status);
