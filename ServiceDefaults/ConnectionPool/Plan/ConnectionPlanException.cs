namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>Stops the service at start when its connection plan is refused; the message lists every reason and fix.</summary>
public sealed class ConnectionPlanException : InvalidOperationException
{
    /// <summary>A refusal for <paramref name="reasons"/>.</summary>
    public ConnectionPlanException(IEnumerable<string> reasons)
        : base("The database connection plan is refused:" + Environment.NewLine
            + string.Join(Environment.NewLine, reasons.Select(reason => "  - " + reason))
            + Environment.NewLine + "Run 'dotnet run --project Listings.Api -- db-info' to see the whole plan.") =>
        Reasons = [.. reasons];

    /// <summary>The refusal of <paramref name="plan"/>.</summary>
    public ConnectionPlanException(ConnectionPlan plan)
        : this(plan.RefusalReasons)
    {
    }

    /// <summary>Each reason, naming a setting and its fix.</summary>
    public IReadOnlyList<string> Reasons { get; }
}
