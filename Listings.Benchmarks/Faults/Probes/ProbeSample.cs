namespace Listings.Benchmarks.Faults.Probes;

/// <summary>One try of the <see cref="ServerProbe"/>.</summary>
/// <param name="StartSeconds">When the connection was opened, on the scenario's clock.</param>
/// <param name="EndSeconds">When it succeeded or failed.</param>
/// <param name="Accepted">True when the server accepted the connection.</param>
public sealed record ProbeSample(double StartSeconds, double EndSeconds, bool Accepted);
