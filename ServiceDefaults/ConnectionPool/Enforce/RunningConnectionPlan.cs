namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// The plan the service runs on: the one made when the service was built, replaced by <see cref="ConnectionPlanReporter"/>
/// once the server has said its <c>max_connections</c>. The pool is built from it at first use, after that report, so
/// the budget sizes the pool even when only the server knows the limit.
/// </summary>
internal sealed class RunningConnectionPlan(ConnectionPlan plan, string? configuredConnectionString)
{
    /// <summary>The connection string as configured: the plan is remade from it, not from the planned one, whose written
    /// <c>Maximum Pool Size</c> would win over the budget.</summary>
    public string? ConfiguredConnectionString { get; } = configuredConnectionString;

    /// <summary>The current plan.</summary>
    public ConnectionPlan Plan { get; set; } = plan;
}
