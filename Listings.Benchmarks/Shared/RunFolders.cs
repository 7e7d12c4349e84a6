namespace Listings.Benchmarks;

/// <summary>The folders a run reads from and writes to.</summary>
public static class RunFolders
{
    /// <summary>Finds the repository root (the folder holding <c>Listings.sln</c>) above the current folder or the build output.</summary>
    public static string RepositoryRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "Listings.sln")))
                {
                    return directory.FullName;
                }
            }
        }

        throw new InvalidOperationException("Listings.sln not found above the current folder.");
    }

    /// <summary>Creates the output folder and an empty log folder: logs of an earlier run would be mistaken for this run's.</summary>
    /// <param name="outputDirectory">The folder the report is written to.</param>
    /// <param name="logDirectory">The run's log folder; anything already in it is deleted.</param>
    public static void Prepare(string outputDirectory, string logDirectory)
    {
        Directory.CreateDirectory(outputDirectory);
        if (Directory.Exists(logDirectory))
        {
            Directory.Delete(logDirectory, recursive: true);
        }

        Directory.CreateDirectory(logDirectory);
    }
}
