using System.Diagnostics;

namespace Listings.Benchmarks.Compare;

/// <summary>Runs <c>git</c> on the repository the benchmark runs in.</summary>
public static class Git
{
    /// <summary>Runs <c>git -C <paramref name="repository"/> <paramref name="arguments"/></c> and returns its output, trimmed.</summary>
    /// <param name="repository">The repository (or worktree) folder.</param>
    /// <param name="arguments">The arguments after <c>-C folder</c>.</param>
    /// <param name="cancellationToken">Stops waiting for git (git itself is left to finish).</param>
    /// <exception cref="InvalidOperationException">git ended with an error; the message holds what it printed.</exception>
    public static async Task<string> RunAsync(string repository, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo("git")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        startInfo.ArgumentList.Add("-C");
        startInfo.ArgumentList.Add(repository);
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("Could not start git.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return process.ExitCode == 0
            ? (await output).Trim()
            : throw new InvalidOperationException($"git {string.Join(' ', startInfo.ArgumentList.Skip(2))} failed: {(await error).Trim()}");
    }
}
