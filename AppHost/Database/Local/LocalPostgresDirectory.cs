using System.Security.Cryptography;

namespace Listings.AppHost.Database.Local;

/// <summary>
/// The folder that holds the local server's cluster (<c>data/</c>), its generated superuser password (<c>password</c>,
/// readable by its owner only) and its read replicas' clusters (<c>replica-1/</c>, ...), and outlives the AppHost.
/// Deleting it resets the local database.
/// </summary>
public sealed class LocalPostgresDirectory
{
    /// <summary>The configuration key that moves the folder.</summary>
    public const string DirectoryKey = "Database:Local:DataDirectory";

    private const int PasswordLength = 32;
    private const string PasswordAlphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    private LocalPostgresDirectory(string root)
    {
        Root = root;
    }

    /// <summary>The folder itself.</summary>
    public string Root { get; }

    /// <summary>The PostgreSQL cluster (PGDATA), created by <c>initdb</c> on first run.</summary>
    public string DataDirectory => Path.Combine(Root, "data");

    /// <summary>The cluster of read replica <paramref name="number"/> (from 1), a base backup of <see cref="DataDirectory"/>.</summary>
    public string StandbyDataDirectory(int number) => Path.Combine(Root, $"replica-{number.ToString(System.Globalization.CultureInfo.InvariantCulture)}");

    private string PasswordFile => Path.Combine(Root, "password");

    /// <summary>
    /// The default folder, outside the source tree: <c>/var/lib/listings/postgres-&lt;major&gt;</c> as root (the
    /// <c>postgres</c> user that runs the server cannot enter <c>/root</c>), else under the local application data folder.
    /// </summary>
    public static string DefaultRoot(int majorVersion)
    {
        var parent = Environment.IsPrivilegedProcess && !OperatingSystem.IsWindows()
            ? "/var/lib"
            : Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create);

        return Path.Combine(parent, "listings", $"postgres-{majorVersion}");
    }

    /// <summary>Creates the folder if needed and checks that a cluster in it matches the binaries' major version.</summary>
    /// <exception cref="DatabaseUnavailableException">The folder holds a cluster of another version, or lost its password.</exception>
    public static LocalPostgresDirectory Prepare(string? configuredRoot, int majorVersion)
    {
        var root = Path.GetFullPath(string.IsNullOrWhiteSpace(configuredRoot) ? DefaultRoot(majorVersion) : configuredRoot);

        // The server runs as 'postgres' when the AppHost is root: it must pass through this folder, while the password
        // file stays readable by the AppHost's user only.
        var directory = Directory.CreateDirectory(root);
        if (!OperatingSystem.IsWindows())
        {
            directory.UnixFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        }

        var folder = new LocalPostgresDirectory(root);
        folder.CheckClusterVersion(majorVersion);
        return folder;
    }

    /// <summary>Reads the superuser password, generating and storing one when the cluster does not exist yet.</summary>
    /// <exception cref="DatabaseUnavailableException">The cluster exists but its password file is gone.</exception>
    public string ReadOrCreatePassword()
    {
        if (File.Exists(PasswordFile))
        {
            return File.ReadAllText(PasswordFile).Trim();
        }

        if (ClusterExists)
        {
            throw new DatabaseUnavailableException(
                $"The local database in '{Root}' exists but its password file is missing, so the AppHost cannot sign in."
                + $" Delete '{Root}' to start afresh (its data is lost), or set {DirectoryKey} to another folder.",
                listFixes: false);
        }

        var password = RandomNumberGenerator.GetString(PasswordAlphabet, PasswordLength);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(PasswordFile, options))
        {
            writer.Write(password);
        }

        return password;
    }

    private bool ClusterExists => File.Exists(Path.Combine(DataDirectory, "PG_VERSION"));

    private void CheckClusterVersion(int majorVersion)
    {
        if (!ClusterExists)
        {
            return;
        }

        var clusterVersion = File.ReadAllText(Path.Combine(DataDirectory, "PG_VERSION")).Trim();
        if (clusterVersion != majorVersion.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            throw new DatabaseUnavailableException(
                $"The local database in '{Root}' was created by PostgreSQL {clusterVersion}, but the binaries found are"
                + $" version {majorVersion}. Delete '{Root}' to start afresh (its data is lost), set {DirectoryKey} to"
                + $" another folder, or point {DatabaseModeSelector.BinDirectoryKey} at PostgreSQL {clusterVersion}.",
                listFixes: false);
        }
    }
}
