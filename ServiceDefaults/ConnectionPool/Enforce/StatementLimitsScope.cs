namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// Other <see cref="StatementLimits"/> for the database work of one flow, e.g. <see cref="ConnectionPlan.MigrationLimits"/>
/// while migrations and the seed run. Every command inside sets them with <c>SET LOCAL</c>, which wins over the
/// connection's start-up options and ends with the command's transaction.
/// </summary>
public static class StatementLimitsScope
{
    private static readonly AsyncLocal<StatementLimits?> Scoped = new();

    /// <summary>The limits of the current flow, or null outside a scope.</summary>
    public static StatementLimits? Current => Scoped.Value;

    /// <summary>Applies <paramref name="limits"/> until the returned scope is disposed.</summary>
    public static IDisposable Use(StatementLimits limits)
    {
        var outer = Scoped.Value;
        Scoped.Value = limits;
        return new Restore(outer);
    }

    private sealed class Restore(StatementLimits? outer) : IDisposable
    {
        public void Dispose() => Scoped.Value = outer;
    }
}
