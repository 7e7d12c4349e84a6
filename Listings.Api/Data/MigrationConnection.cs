using Listings.ServiceDefaults.ConnectionPool;

namespace Listings.Api.Data;

/// <summary>
/// The connection migrations and the seed run on: <c>ConnectionStrings:listingsdb-migrations</c> when set (Supabase's
/// direct connection or session pooler), else the service's own. Never a transaction pooler, which splits a migration's
/// session lock and DDL over server connections (efcore.pg#3699).
/// </summary>
public static class MigrationConnection
{
    /// <summary>The name of the connection string kept for migrations.</summary>
    public const string ConnectionName = ListingsDataExtensions.ConnectionName + "-migrations";

    /// <summary>The application name the migrations' connections carry in <c>pg_stat_activity</c>.</summary>
    public const string ApplicationName = "Listings.Api migrations";

    /// <summary>
    /// Plans the migration connection without asking the server: migrations hold one connection, so no pool is sized. The
    /// <c>ConnectionPool</c> settings apply only when the migrations share the service's connection.
    /// </summary>
    /// <exception cref="ConnectionPlanException">No usable connection, or only a transaction pooler; the message says what to set.</exception>
    public static ConnectionPlan Plan(IConfiguration configuration)
    {
        var plan = SharesServiceLogin(configuration)
            ? PlanSharedConnection(configuration)
            : ConnectionPlanner.Plan(
                configuration.GetConnectionString(ConnectionName), $"ConnectionStrings:{ConnectionName}", new ConnectionPoolOptions(), ApplicationName);

        if (plan.Errors.Count > 0)
        {
            throw new ConnectionPlanException(plan);
        }

        if (plan.Mode is { } mode && mode.IsTransactionPooling())
        {
            throw new ConnectionPlanException(plan with
            {
                Errors =
                [
                    $"Migrations refuse to run through a transaction pooler ({plan.Source} is {plan.Host}:{plan.Port}, mode {mode.ToName()}):"
                    + " it splits a migration's session over server connections."
                    + $" Set ConnectionStrings:{ConnectionName} to a direct connection (Supabase: db.<project-ref>.supabase.co:5432, user postgres)"
                    + " or a session pooler (Supabase: *.pooler.supabase.com:5432, user postgres.<project-ref>).",
                ],
            });
        }

        return plan;
    }

    /// <summary>True when migrations run on the service's own connection string, and so its login.</summary>
    public static bool SharesServiceLogin(IConfiguration configuration) =>
        configuration.GetConnectionString(ConnectionName) is not { Length: > 0 };

    private static ConnectionPlan PlanSharedConnection(IConfiguration configuration)
    {
        var (connectionString, source) = ConnectionSource.Read(configuration, ListingsDataExtensions.ConnectionName);
        return ConnectionPlanner.Plan(connectionString, source, ConnectionPoolOptions.Bind(configuration), ApplicationName);
    }
}
