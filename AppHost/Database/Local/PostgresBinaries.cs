using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Listings.AppHost.Database.Local;

/// <summary>A folder that holds the PostgreSQL server programs (<c>initdb</c>, <c>postgres</c>, <c>pg_ctl</c>) and their major version.</summary>
public sealed partial record PostgresBinaries(string BinDirectory, int MajorVersion)
{
    private static readonly string[] RequiredPrograms = ["initdb", "postgres", "pg_ctl"];

    /// <summary>
    /// Finds the server binaries: the configured folder if given (and only it), else the first folder holding all three
    /// programs among PATH, <c>pg_config --bindir</c>, <c>/usr/lib/postgresql/&lt;version&gt;/bin</c> (newest first) and
    /// the usual Homebrew and source prefixes; null when none does.
    /// </summary>
    public static PostgresBinaries? Find(string? configuredBinDirectory)
    {
        var candidates = string.IsNullOrWhiteSpace(configuredBinDirectory)
            ? CandidateDirectories()
            : [configuredBinDirectory];

        return candidates
            .Where(HoldsServerPrograms)
            .Select(directory => ReadMajorVersion(directory) is { } version ? new PostgresBinaries(Path.GetFullPath(directory), version) : null)
            .FirstOrDefault(binaries => binaries is not null);
    }

    /// <summary>The full path of one of the programs in <see cref="BinDirectory"/>.</summary>
    public string Program(string name) => Path.Combine(BinDirectory, OperatingSystem.IsWindows() ? name + ".exe" : name);

    /// <summary>
    /// The folder that holds <paramref name="programs"/> besides the server: <see cref="BinDirectory"/>, else the folder
    /// of the program <c>postgres</c> links to (a PATH folder such as <c>/usr/local/bin</c> may link the three server
    /// programs only); null when neither does.
    /// </summary>
    public string? DirectoryHolding(params string[] programs)
    {
        bool Holds(string directory) => programs.All(program => File.Exists(Path.Combine(directory, OperatingSystem.IsWindows() ? program + ".exe" : program)));

        if (Holds(BinDirectory))
        {
            return BinDirectory;
        }

        var target = new FileInfo(Program("postgres")).ResolveLinkTarget(returnFinalTarget: true);
        return target is not null && Path.GetDirectoryName(target.FullName) is { } linked && Holds(linked) ? linked : null;
    }

    private static IEnumerable<string> CandidateDirectories()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            yield return directory;
        }

        if (RunAndRead("pg_config", "--bindir") is { Length: > 0 } pgConfigBin)
        {
            yield return pgConfigBin.Trim();
        }

        foreach (var root in new[] { "/usr/lib/postgresql", "/opt/homebrew/opt", "/usr/local/opt" })
        {
            if (!Directory.Exists(root))
            {
                continue;
            }

            var versioned = Directory.GetDirectories(root)
                .Where(directory => Path.GetFileName(directory) is var name && (char.IsDigit(name[0]) || name.StartsWith("postgresql", StringComparison.Ordinal)))
                .OrderByDescending(directory => VersionOf(Path.GetFileName(directory)));

            foreach (var directory in versioned)
            {
                yield return Path.Combine(directory, "bin");
            }
        }

        yield return "/usr/local/pgsql/bin";
    }

    private static int VersionOf(string folderName) =>
        int.TryParse(DigitsRegex().Match(folderName).Value, out var version) ? version : 0;

    private static bool HoldsServerPrograms(string directory) =>
        RequiredPrograms.All(program => File.Exists(Path.Combine(directory, OperatingSystem.IsWindows() ? program + ".exe" : program)));

    private static int? ReadMajorVersion(string directory)
    {
        // "postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)" -> 15
        var output = RunAndRead(Path.Combine(directory, "postgres"), "--version");
        var match = output is null ? null : VersionRegex().Match(output);
        return match is { Success: true } && int.TryParse(match.Groups[1].Value, out var major) ? major : null;
    }

    private static string? RunAndRead(string program, string argument)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(program, [argument])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });

            if (process is null)
            {
                return null;
            }

            var output = process.StandardOutput.ReadToEnd();
            return process.WaitForExit(TimeSpan.FromSeconds(5)) && process.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    [GeneratedRegex(@"\(PostgreSQL\)\s+(\d+)")]
    private static partial Regex VersionRegex();

    [GeneratedRegex(@"\d+")]
    private static partial Regex DigitsRegex();
}
