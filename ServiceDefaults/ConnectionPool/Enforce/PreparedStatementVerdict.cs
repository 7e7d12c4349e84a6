namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// Whether the probe at start proved that the pooler keeps prepared statements (<see cref="PreparedStatementProbe"/>):
/// the pool's data source, built after the probe, turns <c>Max Auto Prepare</c> on only then.
/// </summary>
public sealed class PreparedStatementVerdict
{
    /// <summary>True once the probe succeeded.</summary>
    public bool Proven { get; set; }
}
