using Listings.AppHost.Database.Local;

namespace Listings.Tests.Unit;

public sealed class PostgresBinariesTests
{
    [Fact]
    public void AConfiguredFolderWithoutTheServerProgramsFindsNothing() =>
        Assert.Null(PostgresBinaries.Find(Path.GetTempPath()));

    [Fact]
    public void ServerBinariesOfThisMachineAreFoundWithTheirMajorVersion()
    {
        // CI installs PostgreSQL (see .ci/run); the integration tests need it too.
        var binaries = PostgresBinaries.Find(configuredBinDirectory: null);

        Assert.NotNull(binaries);
        Assert.True(File.Exists(binaries.Program("initdb")));
        Assert.InRange(binaries.MajorVersion, 10, 99);
    }
}
