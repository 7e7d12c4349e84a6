namespace Listings.Benchmarks.Faults.Probes;

/// <summary>One round of <see cref="BackendKiller"/>.</summary>
/// <param name="AtSeconds">When the round ran, on the scenario's clock.</param>
/// <param name="Terminated">How many of the API's server processes <c>pg_terminate_backend</c> ended.</param>
/// <param name="Active">How many of them were running a query at that moment (the rest were idle in the pool).</param>
public sealed record KillRound(double AtSeconds, int Terminated, int Active);
