using System.Diagnostics;

namespace Listings.Benchmarks;

/// <summary>
/// What the benchmark and the fault harness both do around their own steps: build the API, start a throw-away
/// PostgreSQL, and whatever happens write the report, with the failure that ended the run if one did.
/// </summary>
public static class RunFrame
{
    private static readonly Stopwatch Clock = new();

    /// <summary>Starts the clock of the progress lines and of the run time.</summary>
    public static void StartClock() => Clock.Start();

    /// <summary>
    /// What every run does first: starts the clock, finds the repository, parses the command line and prepares the report
    /// and log folders. Null when the command line is wrong; the error is then on standard error.
    /// </summary>
    /// <typeparam name="TOptions">The run's options.</typeparam>
    /// <param name="parse">Parses the command line, given the repository root; a usage error is an <see cref="ArgumentException"/>.</param>
    public static (string Root, TOptions Options)? Begin<TOptions>(Func<string, TOptions> parse)
        where TOptions : class, IRunOptions
    {
        StartClock();
        var root = RunFolders.RepositoryRoot();
        if (RunArguments.ParseOrExplain(() => parse(root)) is not { } options)
        {
            return null;
        }

        RunFolders.Prepare(options.OutputDirectory, options.LogDirectory);
        return (root, options);
    }

    /// <summary>Writes a progress line stamped with the time since the run started.</summary>
    /// <param name="message">The line.</param>
    public static void Log(string message) =>
        Console.WriteLine($"[{Clock.Elapsed:mm\\:ss}] {message}");

    /// <summary>Runs <paramref name="steps"/> against a freshly built API and a fresh server, then <paramref name="writeReport"/>.</summary>
    /// <param name="repositoryRoot">The folder holding <c>Listings.sln</c>.</param>
    /// <param name="results">Where the run time and a failure are recorded.</param>
    /// <param name="steps">The run's own steps, given the server and the path of the API's dll.</param>
    /// <param name="writeReport">Writes the report; it runs whether the steps finished, failed or were cancelled.</param>
    /// <param name="cancellationToken">Stops the run; clean-up still happens.</param>
    /// <returns>The process exit code: 0 when the steps ran, whatever the numbers; 1 when one failed; 130 when cancelled.</returns>
    public static Task<int> RunAsync(string repositoryRoot, IRunResults results, Func<PostgresServer, string, Task> steps,
        Func<Task> writeReport, CancellationToken cancellationToken) =>
        RunAsync(results, async token =>
        {
            Log("Building Listings.Api (Release)...");
            return await ApiBuild.BuildAsync(repositoryRoot, token);
        }, steps, writeReport, cancellationToken);

    /// <summary>
    /// Runs <paramref name="build"/>, then <paramref name="steps"/> against what it built and a fresh server, then
    /// <paramref name="writeReport"/>: for a run that builds something else than the API of the tree it runs in.
    /// </summary>
    /// <typeparam name="TBuilt">What the build gives the steps, e.g. the paths of the dlls.</typeparam>
    /// <param name="results">Where the run time and a failure are recorded.</param>
    /// <param name="build">Builds what the steps run; a failure ends the run like a failed step.</param>
    /// <param name="steps">The run's own steps, given the server and what was built.</param>
    /// <param name="writeReport">Writes the report; it runs whether the steps finished, failed or were cancelled.</param>
    /// <param name="cancellationToken">Stops the run; clean-up still happens.</param>
    /// <returns>The process exit code: 0 when the steps ran, whatever the numbers; 1 when one failed; 130 when cancelled.</returns>
    public static async Task<int> RunAsync<TBuilt>(IRunResults results, Func<CancellationToken, Task<TBuilt>> build,
        Func<PostgresServer, TBuilt, Task> steps, Func<Task> writeReport, CancellationToken cancellationToken)
    {
        var exitCode = 0;
        try
        {
            var built = await build(cancellationToken);
            Log("Starting PostgreSQL...");
            await using var server = await PostgresServer.StartAsync(PostgresServer.FindBinDirectory(), cancellationToken);
            await steps(server, built);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            results.Failure = "cancelled";
            exitCode = 130;
        }
        catch (Exception exception)
        {
            results.Failure = exception.Message;
            exitCode = 1;
        }
        finally
        {
            results.Machine.RunSeconds = Math.Round(Clock.Elapsed.TotalSeconds);
            await writeReport();
        }

        return exitCode;
    }
}
