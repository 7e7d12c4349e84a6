namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// The server connections every replica of the service holds together, counted in <c>pg_stat_activity</c> by the
/// plan's <c>Application Name</c>, against the budget all replicas share.
/// </summary>
/// <param name="ApplicationName">The name counted.</param>
/// <param name="Connections">The service's server connections, all replicas together (the counting one left out).</param>
/// <param name="Budget">The most all replicas may hold (<c>max_connections × BudgetFraction</c>), or null when unknown.</param>
/// <param name="MeasuredAt">When it was counted.</param>
public sealed record FleetConnections(string ApplicationName, int Connections, int? Budget, DateTimeOffset MeasuredAt)
{
    /// <summary>True when the replicas together hold more than the budget: more replicas run than the pools were sized for.</summary>
    public bool OverBudget => Budget is { } budget && Connections > budget;

    /// <summary>A human summary, e.g. <c>24 server connections named Listings.Api, over the budget of 20</c>.</summary>
    public string Describe() =>
        $"{Connections} server connections named {ApplicationName}, "
        + (Budget is { } budget ? (OverBudget ? $"over the budget of {budget}" : $"within the budget of {budget}") : "budget unknown");
}
