namespace Listings.Benchmarks.Faults.Load;

/// <summary>The shape of a mixed load.</summary>
/// <param name="Clients">Concurrent closed-loop clients.</param>
/// <param name="WriteShare">The share of operations that are writes, 0 to 1; the rest are reads, half pages, half by id.</param>
/// <param name="Duration">How long clients start new operations.</param>
/// <param name="ThinkTime">
/// The longest pause of a client between two operations (each pause is uniform from half of it to all of it), as a
/// user reading a page does; it keeps the steady load below the API's saturation, so a 503 means the fault.
/// </param>
/// <param name="DrainLimit">
/// How long after <paramref name="Duration"/> a write not yet acknowledged keeps being retried with its key before the
/// client gives up on it (it then counts as unacknowledged, never as lost).
/// </param>
public sealed record LoadProfile(int Clients, double WriteShare, TimeSpan Duration, TimeSpan ThinkTime, TimeSpan DrainLimit);
