using Listings.AppHost.Database.Local;

namespace Listings.AppHost.Database;

/// <summary>What <see cref="ListingsDatabase.AddListingsDatabase"/> added, by who uses it.</summary>
/// <param name="Database">The database itself, which the migration runner connects to.</param>
/// <param name="Service">What the API connects to: the database, or the local PgBouncer in front of it.</param>
/// <param name="Migrations">The <c>listingsdb-migrations</c> connection string, when the AppHost is given one.</param>
/// <param name="Mode">What serves the database.</param>
/// <param name="LocalServer">The local PostgreSQL server in local mode, else null.</param>
public sealed record ListingsDatabaseResources(
    DatabaseMode Mode,
    IResourceBuilder<IResourceWithConnectionString> Database,
    IResourceBuilder<IResourceWithConnectionString> Service,
    IResourceBuilder<IResourceWithConnectionString>? Migrations,
    IResourceBuilder<LocalPostgresServerResource>? LocalServer)
{
    /// <summary>
    /// What the API reads through (<c>listingsdb-read</c>): the local standbys, or an external read replica's connection
    /// string; null when reads go to <see cref="Service"/>. Never the migration runner's.
    /// </summary>
    public IResourceBuilder<IResourceWithConnectionString>? Read { get; init; }

    /// <summary>True when the AppHost starts and probes the database, so waiting for it means something.</summary>
    public bool HasLifecycle => Mode != DatabaseMode.External;

    /// <summary>True when the API reaches the database through the local PgBouncer.</summary>
    public bool ThroughPgBouncer => Service.Resource is LocalPgBouncerResource;
}
