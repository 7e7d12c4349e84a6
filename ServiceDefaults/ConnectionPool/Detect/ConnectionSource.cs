using Microsoft.Extensions.Configuration;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>Finds the configured database connection: <c>ConnectionStrings:&lt;name&gt;</c>, else <c>DATABASE_URL</c>.</summary>
public static class ConnectionSource
{
    /// <summary>The variable many hosts set to the database URL.</summary>
    public const string DatabaseUrlKey = "DATABASE_URL";

    /// <summary>The configured value and the setting it came from.</summary>
    public static (string? Value, string Source) Read(IConfiguration configuration, string connectionName)
    {
        var key = $"ConnectionStrings:{connectionName}";
        if (configuration.GetConnectionString(connectionName) is { Length: > 0 } connectionString)
        {
            return (connectionString, key);
        }

        return configuration[DatabaseUrlKey] is { Length: > 0 } url
            ? (url, DatabaseUrlKey)
            : (null, $"{key} or {DatabaseUrlKey}");
    }
}
