using System.Globalization;
using System.Text.Json.Nodes;
using Listings.Benchmarks.Throughput;

namespace Listings.Benchmarks.Ceiling;

/// <summary>
/// The API against its ceiling: the API, the API without admission control and a raw-Npgsql endpoint running the same
/// SQL, each driven by <c>wrk</c> at 20, 64, 256 and 1,000 connections, then a storm of clients that honour
/// <c>Retry-After</c>; beside them pgbench on the page SQL and a pool sweep that finds the knee.
/// </summary>
public static class CeilingRun
{
    private const string PagePath = "api/v1/listings?page=1&pageSize=20";
    private const string Database = "listings";

    /// <summary>Runs everything; returns the process exit code (0 when every step ran, whatever the numbers).</summary>
    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        RunFrame.StartClock();
        var root = RunFolders.RepositoryRoot();
        if (RunArguments.ParseOrExplain(() => CeilingOptions.Parse(args, root)) is not { } options)
        {
            return 2;
        }

        RunFolders.Prepare(options.OutputDirectory, options.LogDirectory);
        var results = new CeilingResults
        {
            Machine = MachineFactsReader.Read(root),
            Quick = options.Quick,
            PointSeconds = options.PointDuration.TotalSeconds,
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
            var run = new Steps(server, apiDll, rawDll, options, results, sampler);
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

    private sealed class Steps(PostgresServer server, string apiDll, string rawDll, CeilingOptions options, CeilingResults results, ConnectionSampler sampler)
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

            foreach (var setting in CeilingSetting.All)
            {
                await MeasureSettingAsync(setting, cancellationToken);
                await SaveAsync();
            }

            var sql = SqlCapture.Find(await File.ReadAllLinesAsync(seedLog, cancellationToken), page: 1, pageSize: 20);
            if (sql is not null)
            {
                results.PageSql = string.Join(' ', sql.PageSql.Split('\n', StringSplitOptions.TrimEntries));
                RunFrame.Log($"pgbench on the page SQL, {options.PgBenchClients} connections...");
                results.PgBenchTps = Math.Round(await PgBench.RunAsync(server, Database, results.PageSql + ";\n",
                    options.PgBenchClients, options.PointDuration, options.LogDirectory, cancellationToken));
                RunFrame.Log($"  {results.PgBenchTps:0} tps");
            }

            foreach (var poolSize in options.SweepPoolSizes)
            {
                await using var api = await StartAsync(CeilingSetting.Api, poolSize, 0, [], cancellationToken);
                await WarmUpAsync($"sweep pool {poolSize}", api, cancellationToken);
                var point = await MeasureAsync(CeilingSetting.Api, api, options.SweepConnections, options.SweepDuration, poolSize, readAdvice: false, cancellationToken);
                results.Sweep.Add(point);
                RunFrame.Log($"  sweep pool {poolSize}: {point.OkPerSecond:0} 200/s, p99 {point.P99Ms:0} ms");
            }

            var best = results.Sweep.Max(p => p.OkPerSecond);
            results.Knee = results.Sweep.Where(p => p.OkPerSecond >= 0.95 * best).Min(p => p.PoolSize);
            await SaveAsync();
        }

        private async Task MeasureSettingAsync(CeilingSetting setting, CancellationToken cancellationToken)
        {
            // The ceiling runs the pool the API's policy chose on this server (it reads ConnectionPool__MaxPoolSize).
            var poolOfTheApi = setting.Raw && results.ApiPoolSize is { } size
                ? new Dictionary<string, string> { ["ConnectionPool__MaxPoolSize"] = size.ToString(CultureInfo.InvariantCulture) }
                : [];
            await using var process = await StartAsync(setting, null, 0, poolOfTheApi, cancellationToken);
            await WarmUpAsync(setting.Name, process, cancellationToken);
            if (setting == CeilingSetting.Api)
            {
                results.ApiPoolSize = await ReadPoolSizeAsync(process.BaseAddress, cancellationToken);
                RunFrame.Log($"  the API's policy chose Maximum Pool Size {results.ApiPoolSize?.ToString(CultureInfo.InvariantCulture) ?? "n/a"}");
            }
            foreach (var connections in options.Connections)
            {
                var point = await MeasureAsync(setting, process, connections, options.PointDuration, results.ApiPoolSize ?? 0, readAdvice: setting == CeilingSetting.Api, cancellationToken);
                results.Points.Add(point);
                RunFrame.Log($"  {setting.Name}, {connections} connections: {point.OkPerSecond:0} 200/s, non-2xx {point.NonSuccess}, p50 {point.P50Ms:0.0} ms, p99 {point.P99Ms:0} ms, {point.CpuMicrosecondsPerRequest:0} µs CPU/request, peak {point.PeakServerConnections} connections{(point.RecommendedMaxPoolSize is { } advice ? $", advice {advice}" : "")}");
            }

            RunFrame.Log($"  {setting.Name}: {options.RetryStormClients} clients honouring Retry-After...");
            var storm = await RetryAfterStorm.RunAsync(process.BaseAddress, PagePath, options.RetryStormClients, TimeSpan.FromSeconds(options.Quick ? 60 : 120), cancellationToken);
            results.RetryStorms.Add(new RetryStormResult { Setting = setting.Name, Outcome = storm });
            RunFrame.Log($"  every client answered after {storm.SecondsUntilAllAnswered:0.0} s ({storm.Answered}/{storm.Clients}), {storm.ServiceUnavailable} × 503, Retry-After {storm.RetryAfterSeconds}");
        }

        // JIT, the model, the pool and the prepared statements: see WarmUp.
        private async Task WarmUpAsync(string label, ApiServer process, CancellationToken cancellationToken)
        {
            RunFrame.Log($"  warming {label} up for {options.WarmUpDuration.TotalSeconds:0} s at {WarmUp.Connections} connections...");
            var windows = await WarmUp.RunAsync(process.ProcessId, new Uri(process.BaseAddress, PagePath),
                options.WarmUpDuration, options.WarmUpWindow, WrkLog, cancellationToken);
            results.WarmUps[label] = windows;
            results.WarmUpSeconds = options.WarmUpDuration.TotalSeconds;
            RunFrame.Log($"  µs CPU/request per {options.WarmUpWindow.TotalSeconds:0} s window: {string.Join(", ", windows.Select(w => w.ToString("0", CultureInfo.InvariantCulture)))}");
        }

        private async Task<CeilingPoint> MeasureAsync(CeilingSetting setting, ApiServer process, int connections, TimeSpan duration, int poolSize,
            bool readAdvice, CancellationToken cancellationToken)
        {
            sampler.Start();
            var advice = readAdvice ? ReadAdviceLaterAsync(process.BaseAddress, duration * 0.8, cancellationToken) : Task.FromResult<string?>(null);
            (WrkOutcome Outcome, TimeSpan Cpu) measured;
            try
            {
                measured = await ProcessCpu.MeasureAsync(process.ProcessId,
                    () => Wrk.RunAsync(new Uri(process.BaseAddress, PagePath), connections, duration, WrkLog, cancellationToken));
            }
            finally
            {
                await sampler.StopAsync();
            }

            var (outcome, cpu) = measured;
            var ok = outcome.Requests - outcome.NonSuccess;
            return new CeilingPoint
            {
                Setting = setting.Name,
                Connections = connections,
                PoolSize = poolSize,
                Requests = outcome.Requests,
                OkPerSecond = Math.Round(ok / outcome.Seconds, 1),
                NonSuccess = outcome.NonSuccess,
                NonSuccessShare = outcome.Requests == 0 ? 1 : Math.Round((double)outcome.NonSuccess / outcome.Requests, 4),
                SocketErrors = outcome.SocketErrors,
                P50Ms = Math.Round(outcome.P50Ms, 2),
                P99Ms = Math.Round(outcome.P99Ms, 1),
                CpuMicrosecondsPerRequest = outcome.Requests == 0 ? double.NaN : Math.Round(cpu.TotalMicroseconds / outcome.Requests, 1),
                PeakServerConnections = sampler.Peak,
                RecommendedMaxPoolSize = await advice,
            };
        }

        // The pool size the running plan uses, from /health.
        private static async Task<int?> ReadPoolSizeAsync(Uri baseAddress, CancellationToken cancellationToken)
        {
            using var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(10) };
            using var response = await client.GetAsync("health", cancellationToken);
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            return body?["entries"]?["database"]?["data"]?["maxPoolSize"]?.GetValue<int>();
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

        private string WrkLog => Path.Combine(options.LogDirectory, "wrk.log");

        private Task SaveAsync() => JsonResults.WriteAsync(results, Path.Combine(options.OutputDirectory, "ceiling.json"));

        private Task<ApiServer> StartAsync(CeilingSetting setting, int? poolSize, int seedCount, Dictionary<string, string> extra,
            CancellationToken cancellationToken)
        {
            var keywords = poolSize is { } size ? $"Maximum Pool Size={size}" : "";
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
public sealed record CeilingSetting(string Name, bool Raw, IReadOnlyDictionary<string, string> Environment)
{
    /// <summary>The API with its default policy, admission on.</summary>
    public static readonly CeilingSetting Api = new("api", false, new Dictionary<string, string> { ["Admission__Enabled"] = "true" });

    /// <summary>The API with admission control off.</summary>
    public static readonly CeilingSetting ApiWithoutAdmission = new("api, admission off", false, new Dictionary<string, string> { ["Admission__Enabled"] = "false" });

    /// <summary>The raw-Npgsql endpoint: the ceiling.</summary>
    public static readonly CeilingSetting RawNpgsql = new("raw Npgsql", true, new Dictionary<string, string>());

    /// <summary>The settings in report order.</summary>
    public static IReadOnlyList<CeilingSetting> All { get; } = [Api, ApiWithoutAdmission, RawNpgsql];
}
