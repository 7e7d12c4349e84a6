namespace Listings.Tests.Infrastructure;

/// <summary>Finds the repository from the test binaries, so tests can run the same commands the README gives.</summary>
public static class RepositoryPaths
{
    /// <summary>The folder that holds <c>Listings.sln</c>.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The build configuration these tests were built in; the AppHost was built in the same one.</summary>
    public static string Configuration =>
#if DEBUG
        "Debug";
#else
        "Release";
#endif

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Listings.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Listings.sln above {AppContext.BaseDirectory}.");
    }
}
