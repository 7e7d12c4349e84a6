using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Listings.Tests.Infrastructure;

/// <summary>Runs the README's publish command (<c>--publisher manifest</c>) on the built AppHost and reads what it writes.</summary>
public static class ManifestPublisher
{
    /// <summary>
    /// Publishes with exactly <paramref name="environment"/> among the variables that configure the database and its
    /// parameters (<c>ConnectionStrings__*</c>, <c>Database__*</c>, <c>Parameters__*</c>); returns the manifest, its
    /// text, and the publish command's console output.
    /// </summary>
    public static async Task<(JsonNode Manifest, string Text, string Log)> PublishAsync(IReadOnlyDictionary<string, string> environment)
    {
        var output = Path.Combine(Path.GetTempPath(), $"listings-manifest-{Guid.NewGuid():N}.json");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepositoryPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "run", "--project", "AppHost", "--no-build", "--configuration", RepositoryPaths.Configuration,
            "--", "--publisher", "manifest", "--output-path", output,
        })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var inherited in start.Environment.Keys.Where(IsDatabaseSetting).ToList())
        {
            start.Environment.Remove(inherited);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(cts.Token);

        var log = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, $"publish failed ({process.ExitCode}): {log}");

        try
        {
            var text = await File.ReadAllTextAsync(output);
            return (JsonNode.Parse(text)!, text, log);
        }
        finally
        {
            File.Delete(output);
        }
    }

    private static bool IsDatabaseSetting(string name) =>
        name.StartsWith("ConnectionStrings__", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("Database__", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("Parameters__", StringComparison.OrdinalIgnoreCase);
}
