namespace Listings.AppHost.Database;

/// <summary>What serves the <c>listingsdb</c> database. Set with the configuration key <c>Database:Mode</c>.</summary>
public enum DatabaseMode
{
    /// <summary>
    /// The default: external when <c>ConnectionStrings:listingsdb</c> is set, else a container when a runtime answers,
    /// else the local server.
    /// </summary>
    Auto,

    /// <summary>A PostgreSQL server the AppHost starts from this machine's binaries.</summary>
    Local,

    /// <summary>Aspire's PostgreSQL container (<c>AddPostgres</c>), with a data volume and pgAdmin.</summary>
    Container,

    /// <summary>An existing database (Supabase, a managed server) at <c>ConnectionStrings:listingsdb</c>.</summary>
    External,
}
