namespace Listings.AppHost.Database;

/// <summary>
/// Thrown at start when nothing can serve the database. Its message says what is missing and, by default, the three
/// fixes, so a new user reads the remedy first.
/// </summary>
public sealed class DatabaseUnavailableException(string problem, bool listFixes = true)
    : InvalidOperationException(listFixes ? problem + Environment.NewLine + Fixes : problem)
{
    /// <summary>The three ways to give the AppHost a database, in the order most users can take them.</summary>
    public static readonly string Fixes = string.Join(Environment.NewLine,
        "Give the AppHost a database in one of three ways:",
        "  1. Install the PostgreSQL server binaries (Debian/Ubuntu: 'apt-get install postgresql'; macOS: 'brew install postgresql@17')"
            + $" or point {DatabaseModeSelector.BinDirectoryKey} at the folder that holds initdb and postgres;",
        "  2. Start a container runtime (Docker or Podman) so the AppHost can run the PostgreSQL container;",
        $"  3. Set {DatabaseModeSelector.ConnectionStringKey} to an existing database (Supabase or any PostgreSQL), e.g."
            + $" 'dotnet user-secrets set {DatabaseModeSelector.ConnectionStringKey} \"Host=...;Username=...;Password=...\" --project AppHost'"
            + $" or the environment variable ConnectionStrings__{ListingsDatabase.ResourceName}.");
}
