namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>The server connections all replicas hold, counted by <c>Application Name</c>, against their budget.</summary>
/// <param name="ApplicationName">The name counted.</param>
/// <param name="Connections">The connections counted.</param>
/// <param name="Budget">The most all replicas may hold, or null when unknown.</param>
/// <param name="MeasuredAt">When it was counted.</param>
public sealed record FleetConnections(string ApplicationName, int Connections, int? Budget, DateTimeOffset MeasuredAt)
{
    /// <summary>True when the replicas hold more than the budget.</summary>
    public bool OverBudget => Budget is { } budget && Connections > budget;

    /// <summary>A human summary.</summary>
    public string Describe() =>
        $"{Connections} server connections named {ApplicationName}, "
        + (Budget is { } budget ? (OverBudget ? $"over the budget of {budget}" : $"within the budget of {budget}") : "budget unknown");
}
