using Listings.AppHost.Database;

namespace Listings.Tests.Unit;

public sealed class DatabaseModeSelectorTests
{
    [Theory]
    // requested, publish, connection string, container runtime, local binaries => served by
    [InlineData(DatabaseMode.Auto, false, true, true, true, DatabaseMode.External)]
    [InlineData(DatabaseMode.Auto, false, false, true, true, DatabaseMode.Container)]
    [InlineData(DatabaseMode.Auto, false, false, false, true, DatabaseMode.Local)]
    [InlineData(DatabaseMode.Local, false, true, true, true, DatabaseMode.Local)]
    [InlineData(DatabaseMode.Container, false, true, true, true, DatabaseMode.Container)]
    [InlineData(DatabaseMode.External, false, true, false, false, DatabaseMode.External)]
    public void RunModeServesTheFirstAvailableChoiceUnlessOverridden(
        DatabaseMode requested, bool publish, bool connectionString, bool runtime, bool binaries, DatabaseMode expected)
    {
        var mode = DatabaseModeSelector.Select(requested, publish, connectionString, () => runtime, () => binaries);

        Assert.Equal(expected, mode);
    }

    [Theory]
    [InlineData(DatabaseMode.Auto, false, DatabaseMode.Container)]
    [InlineData(DatabaseMode.Auto, true, DatabaseMode.External)]
    [InlineData(DatabaseMode.Local, false, DatabaseMode.Container)]
    [InlineData(DatabaseMode.Local, true, DatabaseMode.Container)]
    [InlineData(DatabaseMode.Container, true, DatabaseMode.Container)]
    [InlineData(DatabaseMode.External, false, DatabaseMode.External)]
    public void PublishModeNeverUsesTheLocalExecutableNorProbesTheMachine(DatabaseMode requested, bool connectionString, DatabaseMode expected)
    {
        var mode = DatabaseModeSelector.Select(
            requested,
            isPublishMode: true,
            connectionString,
            containerRuntimeAvailable: () => throw new InvalidOperationException("publish mode must not probe for a runtime"),
            localBinariesFound: () => throw new InvalidOperationException("publish mode must not look for binaries"));

        Assert.Equal(expected, mode);
    }

    [Fact]
    public void NothingAvailableStopsWithOneMessageListingTheThreeFixes()
    {
        var error = Assert.Throws<DatabaseUnavailableException>(() =>
            DatabaseModeSelector.Select(DatabaseMode.Auto, false, false, () => false, () => false));

        Assert.Contains("Install the PostgreSQL server binaries", error.Message);
        Assert.Contains("Database:Local:BinDirectory", error.Message);
        Assert.Contains("container runtime", error.Message);
        Assert.Contains("ConnectionStrings:listingsdb", error.Message);
    }

    [Theory]
    [InlineData(DatabaseMode.External, "ConnectionStrings:listingsdb is not set")]
    [InlineData(DatabaseMode.Container, "no container runtime")]
    [InlineData(DatabaseMode.Local, "no PostgreSQL server binaries")]
    public void AForcedModeThatCannotBeServedSaysWhatIsMissing(DatabaseMode requested, string problem)
    {
        var error = Assert.Throws<DatabaseUnavailableException>(() =>
            DatabaseModeSelector.Select(requested, false, false, () => false, () => false));

        Assert.Contains(problem, error.Message);
        Assert.Contains("Give the AppHost a database in one of three ways", error.Message);
    }

    [Theory]
    [InlineData(null, DatabaseMode.Auto)]
    [InlineData("", DatabaseMode.Auto)]
    [InlineData("local", DatabaseMode.Local)]
    [InlineData(" Container ", DatabaseMode.Container)]
    [InlineData("EXTERNAL", DatabaseMode.External)]
    public void ModeIsReadCaseInsensitively(string? value, DatabaseMode expected) =>
        Assert.Equal(expected, DatabaseModeSelector.ParseMode(value));

    [Theory]
    [InlineData("supabase")]
    [InlineData("3")]
    public void AnUnknownModeNamesTheKeyAndTheValidValues(string value)
    {
        var error = Assert.Throws<DatabaseUnavailableException>(() => DatabaseModeSelector.ParseMode(value));

        Assert.Contains("Database:Mode", error.Message);
        Assert.Contains("auto, local, container or external", error.Message);
    }
}
