using Listings.AppHost.Database.Local;

namespace Listings.AppHost.Database;

/// <summary>What <see cref="ListingsDatabase.AddListingsDatabase"/> added, by who uses it.</summary>
/// <param name="Database">The <c>listingsdb</c> database itself: the direct connection the migration runner uses.</param>
/// <param name="Service">What the API connects to as <c>listingsdb</c>: the database, or the local PgBouncer in front of it.</param>
/// <param name="Migrations">The <c>listingsdb-migrations</c> connection string when the AppHost is given one (external mode).</param>
/// <param name="Mode">What serves the database.</param>
/// <param name="LocalServer">The local PostgreSQL server in local mode, else null.</param>
public sealed record ListingsDatabaseResources(
    DatabaseMode Mode,
    IResourceBuilder<IResourceWithConnectionString> Database,
    IResourceBuilder<IResourceWithConnectionString> Service,
    IResourceBuilder<IResourceWithConnectionString>? Migrations,
    IResourceBuilder<LocalPostgresServerResource>? LocalServer)
{
    /// <summary>True when something starts and probes the database, so waiting for it means something (local, container).</summary>
    public bool HasLifecycle => Mode != DatabaseMode.External;

    /// <summary>True when the API reaches the database through the local PgBouncer.</summary>
    public bool ThroughPgBouncer => Service.Resource is LocalPgBouncerResource;
}
