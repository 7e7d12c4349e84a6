using Listings.AppHost.Database;

namespace Listings.AppHost;

/// <summary>Wires a service to the listings database that <see cref="ListingsDatabase.AddListingsDatabase"/> added.</summary>
public static class ListingsDatabaseExtensions
{
    /// <summary>
    /// Points <paramref name="api"/> at the database (through the local PgBouncer when there is one), and its reads at
    /// <c>listingsdb-read</c> when there is one, and starts it after the migration runner has finished, so it does not
    /// migrate at start.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithListingsDatabase(
        this IResourceBuilder<ProjectResource> api, ListingsDatabaseResources database, IResourceBuilder<ProjectResource> runner)
    {
        api.WithReference(database.Service, ListingsDatabase.ResourceName)
            .WithEnvironment("Database__MigrateOnStart", "false")
            .WaitForCompletion(runner);

        if (database.HasLifecycle)
        {
            api.WaitFor(database.Service);
        }

        // The local standbys are reached directly, never through the local PgBouncer: it pools the primary only.
        if (database.Read is { } read)
        {
            api.WithReference(read, ListingsDatabase.ReadResourceName);
            if (database.HasLifecycle)
            {
                api.WaitFor(read);
            }
        }

        // LISTEN cannot pass a transaction pooler: the cache's listener reaches the server as the migrations do, on the
        // migration connection given to the AppHost, else, behind the local PgBouncer, on the local server directly.
        if (database.Migrations is { } migrations)
        {
            api.WithReference(migrations);
        }
        else if (database.ThroughPgBouncer)
        {
            api.WithReference(database.Database, ListingsDatabase.MigrationsResourceName);
        }

        // Detection cannot tell a PgBouncer on 127.0.0.1 from the server: say what it is, unless the user already did.
        if (database.ThroughPgBouncer && api.ApplicationBuilder.Configuration[$"{ConnectionPoolPolicyExtensions.SectionName}:Mode"] is null)
        {
            api.WithEnvironment($"{ConnectionPoolPolicyExtensions.SectionName}__Mode", "transaction-pooler");
        }

        return api;
    }
}
