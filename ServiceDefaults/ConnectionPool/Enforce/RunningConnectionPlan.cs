namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// The plan the service runs on: the one made when the service was built, replaced by <see cref="ConnectionPlanReporter"/>
/// once the server has said its <c>max_connections</c>. The pool is built from it at first use, after that report, so
/// the budget sizes the pool even when only the server knows the limit.
/// </summary>
internal sealed class RunningConnectionPlan(ConnectionPlan plan)
{
    /// <summary>The current plan.</summary>
    public ConnectionPlan Plan { get; set; } = plan;
}
