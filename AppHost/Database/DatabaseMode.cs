namespace Listings.AppHost.Database;

/// <summary>What serves the <c>listingsdb</c> database. Set with the configuration key <c>Database:Mode</c>.</summary>
public enum DatabaseMode
{
    /// <summary>
    /// The default: the external connection string when <c>ConnectionStrings:listingsdb</c> is set, else a container
    /// when a container runtime answers, else the embedded local PostgreSQL server.
    /// </summary>
    Auto,

    /// <summary>A PostgreSQL server started by the AppHost from this machine's PostgreSQL binaries (no container).</summary>
    Local,

    /// <summary>The stock Aspire PostgreSQL container (<c>AddPostgres</c>), with a data volume and pgAdmin.</summary>
    Container,

    /// <summary>An existing database (Supabase, a managed server) reached through <c>ConnectionStrings:listingsdb</c>.</summary>
    External,
}
