namespace Listings.AppHost.Database.Local;

/// <summary>Finds the <c>pgbouncer</c> program, as <see cref="PostgresBinaries"/> finds PostgreSQL's.</summary>
public static class PgBouncerBinary
{
    /// <summary>The configuration key that names the program, skipping the search.</summary>
    public const string PathKey = "Database:PgBouncer:Path";

    /// <summary>
    /// <paramref name="configuredPath"/> if set (and only it), else the first <c>pgbouncer</c> on <c>PATH</c> or in the
    /// usual folders (Debian's package puts it in <c>/usr/sbin</c>).
    /// </summary>
    /// <exception cref="DatabaseUnavailableException">No program found; the message says how to install it.</exception>
    public static string Find(string? configuredPath)
    {
        IEnumerable<string> candidates = !string.IsNullOrWhiteSpace(configuredPath)
            ? [configuredPath]
            : (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
                .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Concat(["/usr/sbin", "/usr/bin", "/usr/local/bin", "/opt/homebrew/bin"])
                .Select(directory => Path.Combine(directory, "pgbouncer"));

        return candidates.FirstOrDefault(File.Exists) ?? throw new DatabaseUnavailableException(
            $"{ListingsDatabase.PoolerKey} is 'pgbouncer' but no pgbouncer program was found"
            + (string.IsNullOrWhiteSpace(configuredPath) ? "" : $" at '{configuredPath}'")
            + $": install it ('apt-get install pgbouncer' on Debian/Ubuntu, 'brew install pgbouncer' on macOS) or set {PathKey}.",
            listFixes: false);
    }
}
