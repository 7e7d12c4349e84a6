using System.Diagnostics;

namespace Listings.Benchmarks;

/// <summary>Builds <c>Listings.Api</c> in Release, so every run measures the code of the tree it runs in.</summary>
public static class ApiBuild
{
    /// <summary>Runs <c>dotnet build -c Release</c> on the API project and returns the path of its dll.</summary>
    /// <param name="repositoryRoot">The folder holding <c>Listings.sln</c>.</param>
    /// <param name="cancellationToken">Cancels the build.</param>
    public static Task<string> BuildAsync(string repositoryRoot, CancellationToken cancellationToken) =>
        BuildAsync(repositoryRoot, "Listings.Api", cancellationToken);

    /// <summary>Runs <c>dotnet build -c Release</c> on the project in <paramref name="projectFolder"/> and returns the path of its dll.</summary>
    /// <param name="repositoryRoot">The folder holding <c>Listings.sln</c>.</param>
    /// <param name="projectFolder">The project's folder, named like its dll.</param>
    /// <param name="cancellationToken">Cancels the build.</param>
    public static async Task<string> BuildAsync(string repositoryRoot, string projectFolder, CancellationToken cancellationToken)
    {
        var project = Path.Combine(repositoryRoot, projectFolder);
        var startInfo = new ProcessStartInfo("dotnet", ["build", project, "-c", "Release", "-v", "quiet", "-nologo"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("Could not start dotnet build.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet build {projectFolder} failed: {await output}{await error}");
        }

        var dll = Path.Combine(project, "bin", "Release", "net10.0", projectFolder + ".dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"The {projectFolder} build produced no dll.", dll);
    }
}
