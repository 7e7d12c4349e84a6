namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>Stops the service at start when its connection plan is refused; the message lists every reason and fix.</summary>
public sealed class ConnectionPlanException(ConnectionPlan plan)
    : InvalidOperationException(
        "The database connection plan is refused:" + Environment.NewLine
        + string.Join(Environment.NewLine, plan.Errors.Select(error => "  - " + error))
        + Environment.NewLine + "Run 'dotnet run --project Listings.Api -- db-info' to see the whole plan.")
{
    /// <summary>The refused plan (its connection string is never part of the message).</summary>
    public ConnectionPlan Plan { get; } = plan;
}
