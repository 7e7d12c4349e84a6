namespace Listings.Benchmarks.Faults.Probes;

/// <summary>One answer of <c>/health</c> or <c>/alive</c>.</summary>
/// <param name="Path">The endpoint, <c>health</c> or <c>alive</c>.</param>
/// <param name="StartSeconds">When it was asked, on the scenario's clock.</param>
/// <param name="DurationMs">How long the answer took.</param>
/// <param name="Status">The HTTP status, or 0 when there was no answer in time.</param>
/// <param name="Report">The report's overall status (<c>Healthy</c>, <c>Degraded</c>, <c>Unhealthy</c>), if the body had one.</param>
/// <param name="Description">The database check's description, if the report had one.</param>
public sealed record HealthSample(string Path, double StartSeconds, double DurationMs, int Status, string? Report = null, string? Description = null)
{
    /// <summary>Gets the label the report counts it under, e.g. <c>200 Degraded: connection pool saturated...</c>.</summary>
    public string Label => Status == 0 ? "no answer" : $"{Status} {Report}{(Description is null ? "" : ": " + Description)}";
}
