using System.Globalization;
using Listings.Benchmarks.Ceiling;
using Listings.Benchmarks.Throughput;

namespace Listings.Benchmarks.Compare;

/// <summary>
/// Two builds of <c>Listings.Api</c> against each other and against the raw-Npgsql endpoint, side by side as the ceiling
/// run measures its settings (see <see cref="SideBySide"/>): each ref checked out into a worktree of its own and built in
/// Release, the three processes started against one throw-away server seeded with 100,000 listings, each warmed up, then
/// page 1 at 64 and 1,000 connections in rounds, the processes taking turns.
/// </summary>
/// <remarks>
/// The API's configuration keys may differ between the two refs, so the measured processes get only what every build
/// reads: the connection string (with an <c>Application Name</c> of their own), the log level and the environment
/// <see cref="ApiServer"/> sets, then whatever <c>--baseline-env</c> and <c>--candidate-env</c> add. The seed count and the
/// SQL log are given only to the two short processes that log each build's page SQL before the measured ones start.
/// </remarks>
public static class CompareRun
{
    private const string Database = "listings";

    /// <summary>Runs everything; returns the process exit code (0 when every step ran, whatever the numbers).</summary>
    /// <param name="args">The arguments after <see cref="CompareOptions.Command"/>.</param>
    /// <param name="cancellationToken">Stops the run; the processes, the server and the worktrees are still cleaned up.</param>
    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        if (RunFrame.Begin(root => CompareOptions.Parse(args, root)) is not (var root, var options))
        {
            return 2;
        }

        var results = new CompareResults
        {
            Machine = MachineFactsReader.Read(root),
            Quick = options.Quick,
            PointSeconds = options.Timing.PointDuration.TotalSeconds,
            Rounds = options.Timing.Rounds,
            LeadInSeconds = options.Timing.LeadIn.TotalSeconds,
            WarmUpSeconds = options.Timing.WarmUp.TotalSeconds,
            LoadAverageAtStart = MachineFactsReader.LoadAverage(),
        };

        // The worktrees outlive the processes started from their builds: removed after the run and its report.
        var scratch = Directory.CreateTempSubdirectory("listings-compare-");
        var worktrees = new List<GitWorktree>();
        try
        {
            return await RunFrame.RunAsync(results,
                token => BuildAsync(root, scratch.FullName, worktrees, options, results, token),
                async (server, built) =>
                {
                    if (!ProcessCpu.TickRateIsKnown())
                    {
                        throw new InvalidOperationException("getconf CLK_TCK is not 100: CPU per request would be wrong.");
                    }

                    await using (var connection = await server.OpenAsync("postgres", cancellationToken))
                    {
                        results.Machine.PostgreSql = connection.PostgreSqlVersion.ToString();
                    }

                    await using var sampler = await ConnectionSampler.OpenAsync(server, cancellationToken);
                    var sideBySide = new SideBySide(sampler, options.Timing, Path.Combine(options.LogDirectory, "wrk.log"));
                    await new Steps(server, built, options, results, sideBySide).RunAsync(cancellationToken);
                },
                () => WriteReportAsync(results, options),
                cancellationToken);
        }
        finally
        {
            foreach (var worktree in worktrees)
            {
                await worktree.DisposeAsync();
            }

            try
            {
                scratch.Delete(recursive: true);
            }
            catch (IOException error)
            {
                RunFrame.Log($"{scratch.FullName} was not deleted: {error.Message}");
            }
        }
    }

    // Both refs resolved first (a typo fails before anything is built), then one worktree per commit (one only when both
    // name the same commit), the API built in each and the raw endpoint in the candidate's.
    private static async Task<BuiltSettings> BuildAsync(string root, string scratch, List<GitWorktree> worktrees, CompareOptions options,
        CompareResults results, CancellationToken cancellationToken)
    {
        var baseline = await GitRevision.ResolveAsync(root, options.BaselineRef, cancellationToken);
        var candidate = await GitRevision.ResolveAsync(root, options.CandidateRef, cancellationToken);
        RunFrame.Log($"baseline {baseline.Ref} = {baseline.ShortCommit} {baseline.Subject}");
        RunFrame.Log($"candidate {candidate.Ref} = {candidate.ShortCommit} {candidate.Subject}");

        worktrees.Add(await GitWorktree.AddAsync(root, baseline, Path.Combine(scratch, "baseline"), cancellationToken));
        var baselineTree = worktrees[^1];
        var candidateTree = baselineTree;
        if (candidate.Commit != baseline.Commit)
        {
            worktrees.Add(await GitWorktree.AddAsync(root, candidate, Path.Combine(scratch, "candidate"), cancellationToken));
            candidateTree = worktrees[^1];
        }

        RunFrame.Log($"Building Listings.Api of {baseline.ShortCommit} (Release)...");
        var baselineDll = await ApiBuild.BuildAsync(baselineTree.Path, cancellationToken);
        var candidateDll = baselineDll;
        if (candidateTree != baselineTree)
        {
            RunFrame.Log($"Building Listings.Api of {candidate.ShortCommit} (Release)...");
            candidateDll = await ApiBuild.BuildAsync(candidateTree.Path, cancellationToken);
        }

        RunFrame.Log($"Building Listings.Benchmarks.RawNpgsql of {candidate.ShortCommit} (Release)...");
        var rawDll = await ApiBuild.BuildAsync(candidateTree.Path, "Listings.Benchmarks.RawNpgsql", cancellationToken);

        results.Builds.Add(Build(CompareSetting.Baseline, "Listings.Api", baseline, options.BaselineEnvironment));
        results.Builds.Add(Build(CompareSetting.Candidate, "Listings.Api", candidate, options.CandidateEnvironment));
        results.Builds.Add(Build(CompareSetting.RawNpgsql, "Listings.Benchmarks.RawNpgsql", candidate, new Dictionary<string, string>()));
        return new BuiltSettings(baselineDll, candidateDll, rawDll);
    }

    private static CompareBuild Build(CompareSetting setting, string project, GitRevision revision, IReadOnlyDictionary<string, string> environment) => new()
    {
        Setting = setting.Name,
        Project = project,
        Ref = revision.Ref,
        Commit = revision.Commit,
        Subject = revision.Subject,
        Environment = new Dictionary<string, string>(environment),
    };

    private static async Task WriteReportAsync(CompareResults results, CompareOptions options)
    {
        results.LoadAverageAtEnd = MachineFactsReader.LoadAverage();
        results.Ratios.Clear();
        results.Ratios.AddRange(CompareReport.Ratios(results));
        var report = CompareReport.Render(results);
        await File.WriteAllTextAsync(Path.Combine(options.OutputDirectory, "compare.md"), report);
        await JsonResults.WriteAsync(results, Path.Combine(options.OutputDirectory, "compare.json"));
        Console.WriteLine();
        Console.WriteLine(report);
    }

    // The dlls the three settings run.
    private sealed record BuiltSettings(string BaselineDll, string CandidateDll, string RawDll);

    private sealed class Steps(PostgresServer server, BuiltSettings built, CompareOptions options, CompareResults results, SideBySide sideBySide)
    {
        private int _starts;

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            // The baseline seeds; the candidate would only if the baseline left the table empty (the seed fills an empty
            // table only), say when its seed key changed.
            RunFrame.Log($"Seeding {options.SeedCount:N0} listings, and logging the page SQL of each API build...");
            await LogPageSqlAsync(CompareSetting.Baseline, built.BaselineDll, options.BaselineEnvironment, cancellationToken);
            await LogPageSqlAsync(CompareSetting.Candidate, built.CandidateDll, options.CandidateEnvironment, cancellationToken);
            await using (var connection = await server.OpenAsync(Database, cancellationToken))
            await using (var count = connection.CreateCommand())
            {
                count.CommandText = "SELECT count(*) FROM listings";
                results.Listings = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
            }

            if (results.Listings < options.SeedCount)
            {
                throw new InvalidOperationException(
                    $"The database holds {results.Listings} listings after both builds started with DatabaseInitialization__SeedCount={options.SeedCount}; see {options.LogDirectory}.");
            }

            await MeasureSideBySideAsync(cancellationToken);
        }

        // The three processes side by side: warmed up one after the other, then every point in rounds.
        private async Task MeasureSideBySideAsync(CancellationToken cancellationToken)
        {
            await using var baseline = await StartAsync(CompareSetting.Baseline, built.BaselineDll, options.BaselineEnvironment, cancellationToken);
            await WarmUpAsync(CompareSetting.Baseline, baseline, cancellationToken);
            Build(CompareSetting.Baseline).PoolSize = await ApiHealth.ReadPoolSizeAsync(baseline.BaseAddress, cancellationToken);
            await using var candidate = await StartAsync(CompareSetting.Candidate, built.CandidateDll, options.CandidateEnvironment, cancellationToken);
            await WarmUpAsync(CompareSetting.Candidate, candidate, cancellationToken);
            Build(CompareSetting.Candidate).PoolSize = await ApiHealth.ReadPoolSizeAsync(candidate.BaseAddress, cancellationToken);

            // The ceiling runs the pool the candidate's policy chose on this server (the baseline's when the candidate's
            // /health does not say); it reads ConnectionPool__MaxPoolSize.
            var rawBuild = Build(CompareSetting.RawNpgsql);
            rawBuild.PoolSize = Build(CompareSetting.Candidate).PoolSize ?? Build(CompareSetting.Baseline).PoolSize;
            if (rawBuild.PoolSize is { } poolSize)
            {
                rawBuild.Environment["ConnectionPool__MaxPoolSize"] = poolSize.ToString(CultureInfo.InvariantCulture);
            }

            RunFrame.Log($"  Maximum Pool Size: baseline {Build(CompareSetting.Baseline).PoolSize?.ToString(CultureInfo.InvariantCulture) ?? "n/a"}, candidate {Build(CompareSetting.Candidate).PoolSize?.ToString(CultureInfo.InvariantCulture) ?? "n/a"}, raw {rawBuild.PoolSize?.ToString(CultureInfo.InvariantCulture) ?? "its default"}");
            await using var raw = await StartAsync(CompareSetting.RawNpgsql, built.RawDll, rawBuild.Environment, cancellationToken);
            await WarmUpAsync(CompareSetting.RawNpgsql, raw, cancellationToken);

            (CompareSetting Setting, ApiServer Process)[] settings =
                [(CompareSetting.Baseline, baseline), (CompareSetting.Candidate, candidate), (CompareSetting.RawNpgsql, raw)];
            foreach (var connections in options.Connections)
            {
                var rounds = await sideBySide.MeasureInRoundsAsync([.. settings.Select(s => (s.Setting.ApplicationName, s.Process))],
                    connections, options.Timing.PointDuration, cancellationToken);
                foreach (var ((setting, _), measured) in settings.Zip(rounds))
                {
                    var point = SideBySide.Summarize(setting.Name, connections, Build(setting).PoolSize ?? 0, measured);
                    results.Points.Add(point);
                    RunFrame.Log($"  {setting.Name}, {connections} connections: {point.OkPerSecond:0} 200/s (rounds {string.Join(", ", point.OkPerSecondByRound.Select(r => r.ToString("0", CultureInfo.InvariantCulture)))}), non-2xx {point.NonSuccess}, p50 {point.P50Ms:0.0} ms, p99 {point.P99Ms:0} ms, {point.CpuMicrosecondsPerRequest:0} µs CPU/request, peak {point.PeakServerConnections} connections");
                }

                await SaveAsync();
            }
        }

        // A process of its own, never measured: it seeds (when the table is empty) and logs the SQL of one page 1.
        private async Task LogPageSqlAsync(CompareSetting setting, string dll, IReadOnlyDictionary<string, string> extra, CancellationToken cancellationToken)
        {
            var logging = new Dictionary<string, string>(extra)
            {
                ["DatabaseInitialization__SeedCount"] = options.SeedCount.ToString(CultureInfo.InvariantCulture),
                [SqlCapture.LogLevelVariable] = "Information",
            };
            string log;
            await using (var process = await StartAsync(setting with { ApplicationName = setting.ApplicationName + ".SqlLog" }, dll, logging, cancellationToken))
            {
                using var client = new HttpClient { BaseAddress = process.BaseAddress };
                (await client.GetAsync(SideBySide.PagePath, cancellationToken)).EnsureSuccessStatusCode();
                process.FlushLog();
                log = process.LogPath;
            }

            var sql = SqlCapture.Find(await File.ReadAllLinesAsync(log, cancellationToken), page: 1, pageSize: 20);
            Build(setting).CountSql = sql is null ? null : OneLine(sql.CountSql);
            Build(setting).PageSql = sql is null ? null : OneLine(sql.PageSql);
            RunFrame.Log($"  {setting.Name}: {Build(setting).PageSql ?? $"no page SQL found in {log}"}");
        }

        private async Task WarmUpAsync(CompareSetting setting, ApiServer process, CancellationToken cancellationToken) =>
            results.WarmUps[setting.Name] = await sideBySide.WarmUpAsync(setting.Name, process, cancellationToken);

        private CompareBuild Build(CompareSetting setting) => results.Builds.Single(b => b.Setting == setting.Name);

        private Task SaveAsync() => JsonResults.WriteAsync(results, Path.Combine(options.OutputDirectory, "compare.json"));

        // The environment every build reads, then the setting's own; ApiServer adds the URLs, the environment name
        // (Production) and a throw-away JWT secret, as for the ceiling run.
        private Task<ApiServer> StartAsync(CompareSetting setting, string dll, IReadOnlyDictionary<string, string> extra,
            CancellationToken cancellationToken)
        {
            var environment = new Dictionary<string, string>
            {
                ["ConnectionStrings__listingsdb"] = server.ConnectionString(Database, $"Application Name={setting.ApplicationName}"),
                ["Logging__LogLevel__Default"] = "Warning",
            };
            foreach (var (key, value) in extra)
            {
                environment[key] = value;
            }

            var label = setting.ApplicationName;
            var logName = $"{Interlocked.Increment(ref _starts):00}-{string.Concat(label.Select(c => char.IsLetterOrDigit(c) ? c : '-'))}.log";
            RunFrame.Log($"Starting {label}...");
            return ApiServer.StartAsync(dll, environment, Path.Combine(options.LogDirectory, logName), cancellationToken);
        }

        private static string OneLine(string sql) => string.Join(' ', sql.Split('\n', StringSplitOptions.TrimEntries));
    }
}
