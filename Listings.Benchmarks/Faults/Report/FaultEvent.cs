namespace Listings.Benchmarks.Faults.Report;

/// <summary>A fault the harness injected.</summary>
/// <param name="Action">What was done, e.g. <c>pg_ctl restart -m fast</c>.</param>
/// <param name="AtSeconds">When the command was issued, on the scenario's clock.</param>
/// <param name="CommandSeconds">How long the command took to return.</param>
public sealed record FaultEvent(string Action, double AtSeconds, double CommandSeconds);
