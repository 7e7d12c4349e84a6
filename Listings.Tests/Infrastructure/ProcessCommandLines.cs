namespace Listings.Tests.Infrastructure;

/// <summary>The command lines of the processes running on this machine, read from <c>/proc</c>.</summary>
public static class ProcessCommandLines
{
    /// <summary>The processes whose command line names <paramref name="directory"/>: a leftover server or standby would.</summary>
    public static List<string> Naming(string directory) =>
        Directory.EnumerateDirectories("/proc")
            .Where(path => int.TryParse(Path.GetFileName(path), out _))
            .Select(path =>
            {
                try
                {
                    return File.ReadAllText(Path.Combine(path, "cmdline")).Replace('\0', ' ');
                }
                catch (Exception error) when (error is IOException or UnauthorizedAccessException)
                {
                    return string.Empty;
                }
            })
            .Where(commandLine => commandLine.Contains(directory, StringComparison.Ordinal))
            .ToList();
}
