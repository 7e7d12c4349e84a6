using System.Globalization;
using System.Text.Json.Nodes;
using Listings.Benchmarks.Throughput;

namespace Listings.Benchmarks.Ceiling;

/// <summary>
/// The API against its ceiling: the API, the API without admission control and a raw-Npgsql endpoint running the same
/// SQL, each driven by <c>wrk</c> at 20, 64, 256 and 1,000 connections; then the API alone long enough for its pool
/// advice, a storm of clients that honour <c>Retry-After</c>, and a burst after idleness; beside them pgbench on the page
/// SQL and a pool sweep that finds the knee.
/// </summary>
/// <remarks>
/// The three processes run side by side and take turns, one loaded at a time: each point is measured in rounds, the
/// settings in the reverse order every other round. On this shared two-core machine the same build measured minutes
/// apart moved by ±10 %; measured in one block per setting, that drift fell on one setting's points and not on another's.
/// </remarks>
public static class CeilingRun
{
    private const string PagePath = SideBySide.PagePath;
    private const string Database = "listings";

    /// <summary>Runs everything; returns the process exit code (0 when every step ran, whatever the numbers).</summary>
    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        if (RunFrame.Begin(root => CeilingOptions.Parse(args, root)) is not (var root, var options))
        {
            return 2;
        }

        var results = new CeilingResults
        {
            Machine = MachineFactsReader.Read(root),
            Quick = options.Quick,
            PointSeconds = options.PointDuration.TotalSeconds,
            Rounds = options.Rounds,
            LeadInSeconds = options.LeadIn.TotalSeconds,
        };
        return await RunFrame.RunAsync(root, results, async (server, apiDll) =>
        {
            if (!ProcessCpu.TickRateIsKnown())
            {
                throw new InvalidOperationException("getconf CLK_TCK is not 100: CPU per request would be wrong.");
            }

            RunFrame.Log("Building Listings.Benchmarks.RawNpgsql (Release)...");
            var rawDll = await ApiBuild.BuildAsync(root, "Listings.Benchmarks.RawNpgsql", cancellationToken);
            await using (var connection = await server.OpenAsync("postgres", cancellationToken))
            {
                results.Machine.PostgreSql = connection.PostgreSqlVersion.ToString();
            }

            await using var sampler = await ConnectionSampler.OpenAsync(server, cancellationToken);
            var sideBySide = new SideBySide(sampler, options.Timing, Path.Combine(options.LogDirectory, "wrk.log"));
            var run = new Steps(server, apiDll, rawDll, options, results, sideBySide);
            await run.RunAsync(cancellationToken);
        }, () => WriteReportAsync(results, options), cancellationToken);
    }

    private static async Task WriteReportAsync(CeilingResults results, CeilingOptions options)
    {
        results.Goals.Clear();
        results.Goals.AddRange(CeilingReport.Goals(results));
        var charts = CeilingReport.TryWriteChart(results, options.OutputDirectory);
        var report = CeilingReport.Render(results, charts);
        await File.WriteAllTextAsync(Path.Combine(options.OutputDirectory, "ceiling.md"), report);
        await JsonResults.WriteAsync(results, Path.Combine(options.OutputDirectory, "ceiling.json"));
        Console.WriteLine();
        Console.WriteLine(report);
    }

    private sealed class Steps(PostgresServer server, string apiDll, string rawDll, CeilingOptions options, CeilingResults results, SideBySide sideBySide)
    {
        private int _starts;

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            RunFrame.Log($"Seeding {options.SeedCount:N0} listings...");
            string seedLog;
            await using (var seeding = await StartAsync(CeilingSetting.Api, null, options.SeedCount,
                new() { [SqlCapture.LogLevelVariable] = "Information" }, cancellationToken))
            {
                using var client = new HttpClient { BaseAddress = seeding.BaseAddress };
                (await client.GetAsync(PagePath, cancellationToken)).EnsureSuccessStatusCode();
                seeding.FlushLog();
                seedLog = seeding.LogPath;
            }

            await MeasureSideBySideAsync(cancellationToken);

            var sql = SqlCapture.Find(await File.ReadAllLinesAsync(seedLog, cancellationToken), page: 1, pageSize: 20);
            if (sql is not null)
            {
                results.PageSql = string.Join(' ', sql.PageSql.Split('\n', StringSplitOptions.TrimEntries));
                RunFrame.Log($"pgbench on the page SQL, {options.PgBenchClients} connections...");
                results.PgBenchTps = Math.Round(await PgBench.RunAsync(server, Database, results.PageSql + ";\n",
                    options.PgBenchClients, options.PointDuration, options.LogDirectory, cancellationToken));
                RunFrame.Log($"  {results.PgBenchTps:0} tps");
            }

            await SweepSideBySideAsync(cancellationToken);

            var best = results.Sweep.Max(p => p.OkPerSecond);
            results.Knee = results.Sweep.Where(p => p.OkPerSecond >= 0.95 * best).Min(p => p.PoolSize);
            await SaveAsync();
        }

        // The three settings side by side: warmed up one after the other, then every point in rounds, then the advice,
        // the storms and the bursts.
        private async Task MeasureSideBySideAsync(CancellationToken cancellationToken)
        {
            await using var api = await StartAsync(CeilingSetting.Api, null, 0, [], cancellationToken);
            await WarmUpAsync(CeilingSetting.Api.Name, api, cancellationToken);
            // The ceiling runs the pool the API's policy chose on this server (it reads ConnectionPool__MaxPoolSize).
            results.ApiPoolSize = await ApiHealth.ReadPoolSizeAsync(api.BaseAddress, cancellationToken);
            RunFrame.Log($"  the API's policy chose Maximum Pool Size {results.ApiPoolSize?.ToString(CultureInfo.InvariantCulture) ?? "n/a"}");
            await using var withoutAdmission = await StartAsync(CeilingSetting.ApiWithoutAdmission, null, 0, [], cancellationToken);
            await WarmUpAsync(CeilingSetting.ApiWithoutAdmission.Name, withoutAdmission, cancellationToken);
            var poolOfTheApi = results.ApiPoolSize is { } size
                ? new Dictionary<string, string> { ["ConnectionPool__MaxPoolSize"] = size.ToString(CultureInfo.InvariantCulture) }
                : [];
            await using var raw = await StartAsync(CeilingSetting.RawNpgsql, null, 0, poolOfTheApi, cancellationToken);
            await WarmUpAsync(CeilingSetting.RawNpgsql.Name, raw, cancellationToken);

            (CeilingSetting Setting, ApiServer Process)[] settings =
                [(CeilingSetting.Api, api), (CeilingSetting.ApiWithoutAdmission, withoutAdmission), (CeilingSetting.RawNpgsql, raw)];
            foreach (var connections in options.Connections)
            {
                var rounds = await sideBySide.MeasureInRoundsAsync([.. settings.Select(s => (s.Setting.ApplicationName, s.Process))],
                    connections, options.PointDuration, cancellationToken);
                foreach (var ((setting, _), measured) in settings.Zip(rounds))
                {
                    var point = SideBySide.Summarize(setting.Name, connections, results.ApiPoolSize ?? 0, measured);
                    results.Points.Add(point);
                    RunFrame.Log($"  {setting.Name}, {connections} connections: {point.OkPerSecond:0} 200/s (rounds {string.Join(", ", point.OkPerSecondByRound.Select(r => r.ToString("0", CultureInfo.InvariantCulture)))}), non-2xx {point.NonSuccess}, p50 {point.P50Ms:0.0} ms, p99 {point.P99Ms:0} ms, {point.CpuMicrosecondsPerRequest:0} µs CPU/request, peak {point.PeakServerConnections} connections");
                }

                await SaveAsync();
            }

            RunFrame.Log($"  api alone at 1,000 connections for {(options.AdviceLeadIn + options.AdviceDuration).TotalSeconds:0} s, then /health's advice...");
            await sideBySide.LoadAsync(api, 1000, options.AdviceLeadIn, cancellationToken);
            var advice = ReadAdviceLaterAsync(api.BaseAddress, options.AdviceDuration * 0.9, cancellationToken);
            var alone = await sideBySide.MeasureOnceAsync(CeilingSetting.Api.ApplicationName, api, 1000, options.AdviceDuration, cancellationToken);
            results.Advice = SideBySide.Summarize(CeilingSetting.Api.Name, 1000, results.ApiPoolSize ?? 0, [alone], await advice);
            results.AdviceReadAfterSeconds = (options.AdviceLeadIn + options.AdviceDuration * 0.9).TotalSeconds;
            RunFrame.Log($"  {results.Advice.OkPerSecond:0} 200/s, advice {results.Advice.RecommendedMaxPoolSize}");

            foreach (var (setting, process) in settings)
            {
                RunFrame.Log($"  {setting.Name}: {options.RetryStormClients} clients honouring Retry-After...");
                var storm = await RetryAfterStorm.RunAsync(process.BaseAddress, PagePath, options.RetryStormClients, TimeSpan.FromSeconds(options.Quick ? 60 : 120), cancellationToken);
                results.RetryStorms.Add(new RetryStormResult { Setting = setting.Name, Outcome = storm });
                RunFrame.Log($"  every client answered after {storm.SecondsUntilAllAnswered:0.0} s ({storm.Answered}/{storm.Clients}), {storm.ServiceUnavailable} × 503, Retry-After {storm.RetryAfterSeconds}");
            }

            RunFrame.Log($"  every process idle for {options.IdleBeforeBurst.TotalSeconds:0} s, then {options.BurstConnections} connections at once...");
            await Task.Delay(options.IdleBeforeBurst, cancellationToken);
            results.IdleSecondsBeforeBurst = options.IdleBeforeBurst.TotalSeconds;
            foreach (var (setting, process) in settings)
            {
                var burst = SideBySide.Summarize(setting.Name, options.BurstConnections, results.ApiPoolSize ?? 0,
                    [await sideBySide.MeasureOnceAsync(setting.ApplicationName, process, options.BurstConnections, options.BurstDuration, cancellationToken)]);
                results.Bursts.Add(burst);
                RunFrame.Log($"  {setting.Name}: {burst.OkPerSecond:0} 200/s, non-2xx {burst.NonSuccess}, p99 {burst.P99Ms:0} ms");
            }

            await SaveAsync();
        }

        // The pool sweep as the points are measured: one process per pool size, side by side, in rounds. The sweep is nearly
        // flat on two cores (the cores, not the pool, are the limit), so measured one pool after another the machine's
        // drift moved its knee between 5 and 10.
        private async Task SweepSideBySideAsync(CancellationToken cancellationToken)
        {
            var sweep = new List<(int PoolSize, CeilingSetting Setting, ApiServer Process)>();
            try
            {
                foreach (var poolSize in options.SweepPoolSizes)
                {
                    var setting = CeilingSetting.Api with { ApplicationName = $"Listings.Api.Pool{poolSize}" };
                    sweep.Add((poolSize, setting, await StartAsync(setting, poolSize, 0, [], cancellationToken)));
                    await WarmUpAsync($"sweep pool {poolSize}", sweep[^1].Process, cancellationToken);
                }

                var rounds = await sideBySide.MeasureInRoundsAsync([.. sweep.Select(s => (s.Setting.ApplicationName, s.Process))],
                    options.SweepConnections, options.SweepDuration, cancellationToken);
                foreach (var ((poolSize, _, _), measured) in sweep.Zip(rounds))
                {
                    var point = SideBySide.Summarize(CeilingSetting.Api.Name, options.SweepConnections, poolSize, measured);
                    results.Sweep.Add(point);
                    RunFrame.Log($"  sweep pool {poolSize}: {point.OkPerSecond:0} 200/s (rounds {string.Join(", ", point.OkPerSecondByRound.Select(r => r.ToString("0", CultureInfo.InvariantCulture)))}), p99 {point.P99Ms:0} ms");
                }
            }
            finally
            {
                foreach (var (_, _, process) in sweep)
                {
                    await process.DisposeAsync();
                }
            }
        }

        // The settling of a fresh process, kept for the report (see SideBySide.WarmUpAsync).
        private async Task WarmUpAsync(string label, ApiServer process, CancellationToken cancellationToken)
        {
            results.WarmUps[label] = await sideBySide.WarmUpAsync(label, process, cancellationToken);
            results.WarmUpSeconds = options.WarmUpDuration.TotalSeconds;
        }

        // What /health recommends while the load runs: a number, or "not enough load to judge".
        private static async Task<string?> ReadAdviceLaterAsync(Uri baseAddress, TimeSpan after, CancellationToken cancellationToken)
        {
            await Task.Delay(after, cancellationToken);
            try
            {
                using var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(10) };
                using var response = await client.GetAsync("health", cancellationToken);
                var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
                return body?["entries"]?["database"]?["data"]?["recommendedMaxPoolSize"]?.ToJsonString().Trim('"');
            }
            catch (Exception error) when (error is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
            {
                return $"n/a ({error.GetType().Name})";
            }
        }

        private Task SaveAsync() => JsonResults.WriteAsync(results, Path.Combine(options.OutputDirectory, "ceiling.json"));

        private Task<ApiServer> StartAsync(CeilingSetting setting, int? poolSize, int seedCount, Dictionary<string, string> extra,
            CancellationToken cancellationToken)
        {
            // Each setting's connections carry its own name, so the sampler counts one process's while the others idle.
            var keywords = $"Application Name={setting.ApplicationName}" + (poolSize is { } size ? $";Maximum Pool Size={size}" : "");
            var environment = new Dictionary<string, string>(setting.Environment)
            {
                ["ConnectionStrings__listingsdb"] = server.ConnectionString(Database, keywords),
                ["DatabaseInitialization__SeedCount"] = seedCount.ToString(CultureInfo.InvariantCulture),
                ["Logging__LogLevel__Default"] = "Warning",
            };
            if (poolSize is { } pool)
            {
                environment["ConnectionPool__MaxPoolSize"] = pool.ToString(CultureInfo.InvariantCulture);
            }

            foreach (var (key, value) in extra)
            {
                environment[key] = value;
            }

            var label = poolSize is null ? setting.Name : $"{setting.Name}-pool-{poolSize}";
            var logName = $"{Interlocked.Increment(ref _starts):00}-{string.Concat(label.Select(c => char.IsLetterOrDigit(c) ? c : '-'))}.log";
            RunFrame.Log($"Starting {label}...");
            return ApiServer.StartAsync(setting.Raw ? rawDll : apiDll, environment, Path.Combine(options.LogDirectory, logName), cancellationToken);
        }
    }
}

/// <summary>A process the ceiling run measures.</summary>
/// <param name="Name">The name in the report.</param>
/// <param name="Raw">True for the raw-Npgsql endpoint, false for the API.</param>
/// <param name="Environment">Its extra environment variables.</param>
/// <param name="ApplicationName">The <c>Application Name</c> of its server connections.</param>
public sealed record CeilingSetting(string Name, bool Raw, IReadOnlyDictionary<string, string> Environment, string ApplicationName)
{
    /// <summary>The API with its default policy, admission on.</summary>
    public static readonly CeilingSetting Api = new("api", false, new Dictionary<string, string> { ["Admission__Enabled"] = "true" }, "Listings.Api");

    /// <summary>The API with admission control off.</summary>
    public static readonly CeilingSetting ApiWithoutAdmission = new("api, admission off", false,
        new Dictionary<string, string> { ["Admission__Enabled"] = "false" }, "Listings.Api.NoAdmission");

    /// <summary>The raw-Npgsql endpoint: the ceiling (it names its connections itself).</summary>
    public static readonly CeilingSetting RawNpgsql = new("raw Npgsql", true, new Dictionary<string, string>(), "Listings.RawNpgsql");

    /// <summary>The settings in report order.</summary>
    public static IReadOnlyList<CeilingSetting> All { get; } = [Api, ApiWithoutAdmission, RawNpgsql];
}
