namespace Listings.AppHost.Database;

/// <summary>
/// Decides what serves the database from the requested <see cref="DatabaseMode"/> and what this machine offers; pure but
/// for the two probes it is given.
/// </summary>
public static class DatabaseModeSelector
{
    /// <summary>The configuration key that overrides the choice.</summary>
    public const string ModeKey = "Database:Mode";

    /// <summary>The configuration key of the external connection string.</summary>
    public const string ConnectionStringKey = "ConnectionStrings:" + ListingsDatabase.ResourceName;

    /// <summary>The configuration key that points at a folder holding <c>initdb</c> and <c>postgres</c>.</summary>
    public const string BinDirectoryKey = "Database:Local:BinDirectory";

    /// <summary>
    /// Returns the mode that serves the database: never <see cref="DatabaseMode.Auto"/>, and in publish mode never
    /// <see cref="DatabaseMode.Local"/>, because a deployment cannot run this machine's binaries.
    /// </summary>
    /// <exception cref="DatabaseUnavailableException">Nothing can serve the requested mode.</exception>
    public static DatabaseMode Select(
        DatabaseMode requested,
        bool isPublishMode,
        bool hasConnectionString,
        Func<bool> containerRuntimeAvailable,
        Func<bool> localBinariesFound)
    {
        if (isPublishMode)
        {
            return requested == DatabaseMode.External || (requested == DatabaseMode.Auto && hasConnectionString)
                ? DatabaseMode.External
                : DatabaseMode.Container;
        }

        switch (requested)
        {
            case DatabaseMode.External when !hasConnectionString:
                throw new DatabaseUnavailableException(
                    $"{ModeKey} is 'external' but {ConnectionStringKey} is not set.");
            case DatabaseMode.External:
                return DatabaseMode.External;
            case DatabaseMode.Container when !containerRuntimeAvailable():
                throw new DatabaseUnavailableException(
                    $"{ModeKey} is 'container' but no container runtime (Docker or Podman) answers.");
            case DatabaseMode.Container:
                return DatabaseMode.Container;
            case DatabaseMode.Local when !localBinariesFound():
                throw new DatabaseUnavailableException(
                    $"{ModeKey} is 'local' but no PostgreSQL server binaries (initdb, postgres) were found.");
            case DatabaseMode.Local:
                return DatabaseMode.Local;
        }

        if (hasConnectionString)
        {
            return DatabaseMode.External;
        }

        if (containerRuntimeAvailable())
        {
            return DatabaseMode.Container;
        }

        if (localBinariesFound())
        {
            return DatabaseMode.Local;
        }

        throw new DatabaseUnavailableException("Nothing on this machine can serve the database.");
    }

    /// <summary>Parses the value of <c>Database:Mode</c>; empty means <see cref="DatabaseMode.Auto"/>.</summary>
    /// <exception cref="DatabaseUnavailableException">The value is not one of the four modes.</exception>
    public static DatabaseMode ParseMode(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return DatabaseMode.Auto;
        }

        // Enum.TryParse alone would also take numbers ("3"): only the names are modes.
        var name = Enum.GetNames<DatabaseMode>().FirstOrDefault(n => string.Equals(n, value.Trim(), StringComparison.OrdinalIgnoreCase));
        if (name is not null)
        {
            return Enum.Parse<DatabaseMode>(name);
        }

        throw new DatabaseUnavailableException(
            $"{ModeKey} is '{value}', which is not a mode: use auto, local, container or external.", listFixes: false);
    }
}
