using Listings.Benchmarks.Throughput.Report;
using Listings.Benchmarks.Throughput.Scenarios;

namespace Listings.Benchmarks.Throughput;

/// <summary>
/// The whole benchmark in order: build the API, start PostgreSQL, seed, then the check, the storms, the efficiency
/// run, the pool sweep and the page depths, saving <c>results.json</c> after each and the report at the end.
/// </summary>
public static class BenchmarkRun
{
    /// <summary>Runs everything; returns the process exit code (0 when every step ran, whatever the numbers).</summary>
    /// <param name="args">The command line: <c>[--quick] [--out folder]</c>.</param>
    /// <param name="cancellationToken">Stops the run; clean-up still happens.</param>
    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        if (RunFrame.Begin(root => BenchmarkOptions.Parse(args, root)) is not (var root, var options))
        {
            return 2;
        }

        var results = new BenchmarkResults { Machine = MachineFactsReader.Read(root) };
        results.Parameters = new RunParameters
        {
            Quick = options.Quick,
            SeedCount = options.SeedCount,
            StormClients = options.StormClients,
            StormSeconds = (int)options.StormDuration.TotalSeconds,
            RequestTimeoutSeconds = (int)options.RequestTimeout.TotalSeconds,
            SweepClients = options.SweepClients,
            SweepSeconds = (int)options.SweepDuration.TotalSeconds,
            DepthRequests = options.DepthRequests,
            ServerMaxConnections = PostgresServer.MaxConnections,
        };

        return await RunFrame.RunAsync(root, results, async (server, apiDll) =>
        {
            await using (var connection = await server.OpenAsync("postgres", cancellationToken))
            {
                results.Machine.PostgreSql = connection.PostgreSqlVersion.ToString();
            }

            await using var sampler = await ConnectionSampler.OpenAsync(server, cancellationToken);
            var context = new BenchmarkContext(server, apiDll, options, results, sampler);
            await RunStepsAsync(context, cancellationToken);
        }, () => WriteReportAsync(results, options), cancellationToken);
    }

    private static async Task RunStepsAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var results = context.Results;

        Log($"Seeding {options.SeedCount:N0} listings and running the original check...");
        string seedLog;
        await using (var api = await context.StartApiAsync(ApiSetting.Policy(), BenchmarkContext.MainDatabase, options.SeedCount,
            new Dictionary<string, string> { [SqlCapture.LogLevelVariable] = "Information" }, cancellationToken))
        {
            results.OriginalCheck = await OriginalCheckScenario.RunAsync(api, cancellationToken);
            seedLog = api.LogPath;
        }

        Log($"  original check: {results.OriginalCheck.Ok} of {results.OriginalCheck.Requests} answered 200");
        var sql = SqlCapture.Find(await File.ReadAllLinesAsync(seedLog, cancellationToken), page: 1, options.PageSize);
        await context.SaveAsync();

        foreach (var setting in ApiSetting.StormSettings)
        {
            Log($"Storm '{setting.Name}': {options.StormClients} clients for {options.StormDuration.TotalSeconds:0} s...");
            var storm = await StormScenario.RunAsync(context, setting, options.StormClients, options.StormDuration, cancellationToken);
            results.Storms.Add(storm);
            Log($"  200: {storm.Ok}, 503+Retry-After: {storm.ServiceUnavailableWithRetryAfter}, other: {storm.OtherStatuses}, errors: {storm.ConnectionErrors}, timeouts: {storm.Timeouts}, 200/s: {storm.OkPerSecond:0}, p99: {storm.P99Ms:0} ms, peak connections: {storm.PeakServerConnections}");
            await context.SaveAsync();
        }

        Log($"Efficiency: pgbench with the API's SQL, {options.PgBenchClients} connections...");
        results.Efficiency = await EfficiencyScenario.RunAsync(context, sql, cancellationToken);
        Log($"  pgbench tps: {results.Efficiency.PgBenchTps?.ToString("0") ?? "n/a"}, ratio: {results.Efficiency.Ratio?.ToString("0.00") ?? results.Efficiency.Note}");
        await context.SaveAsync();

        foreach (var poolSize in options.SweepPoolSizes)
        {
            Log($"Pool sweep: Maximum Pool Size={poolSize}, {options.SweepClients} clients for {options.SweepDuration.TotalSeconds:0} s...");
            var point = await PoolSweepScenario.RunAsync(context, poolSize, cancellationToken);
            results.PoolSweep.Add(point);
            Log($"  200/s: {point.OkPerSecond:0}, p99: {point.P99Ms:0} ms, peak connections: {point.PeakServerConnections}");
            await context.SaveAsync();
        }

        foreach (var rows in options.TableSizes)
        {
            Log($"Page depth on {rows:N0} rows...");
            results.PageDepth.AddRange(await PageDepthScenario.RunAsync(context, rows, cancellationToken));
            await context.SaveAsync();
        }
    }

    private static async Task WriteReportAsync(BenchmarkResults results, BenchmarkOptions options)
    {
        results.Targets.Clear();
        results.Targets.AddRange(Targets.Evaluate(results));
        IReadOnlyList<string> charts = [];
        try
        {
            charts = Charts.Write(results, options.OutputDirectory);
        }
        catch (Exception exception) when (exception is DllNotFoundException or TypeInitializationException or IOException)
        {
            // Charts need SkiaSharp's native library; the numbers matter more than their pictures.
            Log($"Charts were not drawn: {exception.Message}");
        }

        var report = MarkdownReport.Render(results, charts);
        await File.WriteAllTextAsync(Path.Combine(options.OutputDirectory, "report.md"), report);
        await JsonResults.WriteAsync(results, Path.Combine(options.OutputDirectory, "results.json"));
        Console.WriteLine();
        Console.WriteLine(report);
        Log($"Report: {Path.Combine(options.OutputDirectory, "report.md")}");
    }

    private static void Log(string message) => RunFrame.Log(message);
}
