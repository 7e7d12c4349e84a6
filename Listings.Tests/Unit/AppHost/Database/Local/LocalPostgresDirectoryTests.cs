using Listings.AppHost.Database;
using Listings.AppHost.Database.Local;

namespace Listings.Tests.Unit;

public sealed class LocalPostgresDirectoryTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"listings-dir-tests-{Guid.NewGuid():N}");

    [Fact]
    public void PasswordIsGeneratedOnceAndKeptForTheNextRun()
    {
        var first = LocalPostgresDirectory.Prepare(_root, 15).ReadOrCreatePassword();
        var second = LocalPostgresDirectory.Prepare(_root, 15).ReadOrCreatePassword();

        Assert.Equal(32, first.Length);
        Assert.Equal(first, second);
    }

    [Fact]
    public void PasswordFileIsReadableByItsOwnerOnly()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Windows has no Unix file modes; the folder's ACL inherits from the user's profile.
        }

        LocalPostgresDirectory.Prepare(_root, 15).ReadOrCreatePassword();

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_root, "password")));
    }

    [Fact]
    public void AClusterOfAnotherMajorVersionIsRefusedWithTheWayOut()
    {
        Directory.CreateDirectory(Path.Combine(_root, "data"));
        File.WriteAllText(Path.Combine(_root, "data", "PG_VERSION"), "14\n");

        var error = Assert.Throws<DatabaseUnavailableException>(() => LocalPostgresDirectory.Prepare(_root, 15));

        Assert.Contains("PostgreSQL 14", error.Message);
        Assert.Contains($"Delete '{_root}'", error.Message);
    }

    [Fact]
    public void AClusterWhosePasswordFileIsGoneIsRefusedRatherThanLockedOut()
    {
        Directory.CreateDirectory(Path.Combine(_root, "data"));
        File.WriteAllText(Path.Combine(_root, "data", "PG_VERSION"), "15\n");

        var error = Assert.Throws<DatabaseUnavailableException>(() => LocalPostgresDirectory.Prepare(_root, 15).ReadOrCreatePassword());

        Assert.Contains("password file is missing", error.Message);
    }

    [Fact]
    public void DefaultFolderIsOutsideTheSourceTreeAndNamesTheMajorVersion()
    {
        var root = LocalPostgresDirectory.DefaultRoot(15);

        Assert.EndsWith(Path.Combine("listings", "postgres-15"), root);
        Assert.False(root.StartsWith(Directory.GetCurrentDirectory(), StringComparison.Ordinal));
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
