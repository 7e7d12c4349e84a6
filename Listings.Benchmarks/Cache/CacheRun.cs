using System.Globalization;
using Listings.Benchmarks.Ceiling;
using Listings.Benchmarks.Faults.Load;
using Listings.Benchmarks.Throughput;

namespace Listings.Benchmarks.Cache;

/// <summary>
/// What the cache of public reads gives under a mixed load over two API processes, and whether it stays fresh: one
/// throw-away PostgreSQL seeded with <see cref="CacheRunOptions.SeedCount"/> listings; A, two API processes on it with the cache on, B, the same two with
/// <c>Cache__Enabled=false</c>, and the raw-Npgsql endpoint as the ceiling (reads only), loaded in turn by the same
/// closed loops (<see cref="CacheLoad"/>: anonymous page reads and, <see cref="CacheRunOptions.WriteShare"/> of the time,
/// PUTs of listings on those pages, half the loops on each API process); every read of A and B judged by <see cref="StalenessChecker"/>.
/// </summary>
public static class CacheRun
{
    private const string Database = "listings";

    /// <summary>Runs everything; returns the process exit code (0 when every step ran, whatever the numbers).</summary>
    /// <param name="args">The arguments after <see cref="CacheRunOptions.Command"/>.</param>
    /// <param name="cancellationToken">Stops the run; the processes and the server are still stopped and deleted.</param>
    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        if (RunFrame.Begin(root => CacheRunOptions.Parse(args, root)) is not (var root, var options))
        {
            return 2;
        }

        var results = new CacheResults
        {
            Machine = MachineFactsReader.Read(root),
            Quick = options.Quick,
            SeedCount = options.SeedCount,
            Loops = options.Loops,
            WriteShare = options.WriteShare,
            WarmUpSeconds = options.WarmUp.TotalSeconds,
            LeadInSeconds = options.LeadIn.TotalSeconds,
            RoundSeconds = options.RoundDuration.TotalSeconds,
            Rounds = options.Rounds,
            CrossProcessBoundSeconds = options.CrossProcessBound.TotalSeconds,
            ReadMix = $"pages 1-{options.UnfilteredPages} + {options.City} pages 1-{options.CityPages}, pageSize {options.PageSize}",
            LoadAverageAtStart = MachineFactsReader.LoadAverage(),
        };
        return await RunFrame.RunAsync(results, async token =>
        {
            RunFrame.Log("Building Listings.Api (Release)...");
            var apiDll = await ApiBuild.BuildAsync(root, token);
            RunFrame.Log("Building Listings.Benchmarks.RawNpgsql (Release)...");
            return (Api: apiDll, Raw: await ApiBuild.BuildAsync(root, "Listings.Benchmarks.RawNpgsql", token));
        }, async (server, built) =>
        {
            if (!ProcessCpu.TickRateIsKnown())
            {
                throw new InvalidOperationException("getconf CLK_TCK is not 100: CPU per request would be wrong.");
            }

            await using (var connection = await server.OpenAsync("postgres", cancellationToken))
            {
                results.Machine.PostgreSql = connection.PostgreSqlVersion.ToString();
            }

            await new Steps(server, built.Api, built.Raw, options, results).RunAsync(cancellationToken);
        }, () => WriteReportAsync(results, options), cancellationToken);
    }

    private static async Task WriteReportAsync(CacheResults results, CacheRunOptions options)
    {
        results.LoadAverageAtEnd = MachineFactsReader.LoadAverage();
        results.Goals.Clear();
        results.Goals.AddRange(CacheReport.Goals(results));
        var report = CacheReport.Render(results);
        await File.WriteAllTextAsync(Path.Combine(options.OutputDirectory, "cache.md"), report);
        await JsonResults.WriteAsync(results, Path.Combine(options.OutputDirectory, "cache.json"));
        Console.WriteLine();
        Console.WriteLine(report);
    }

    private sealed class Steps(PostgresServer server, string apiDll, string rawDll, CacheRunOptions options, CacheResults results)
    {
        private readonly string _secret = BearerToken.NewSecret();
        private readonly List<ApiServer> _processes = [];
        private readonly List<HttpClient> _clients = [];

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            try
            {
                await RunStepsAsync(cancellationToken);
            }
            finally
            {
                foreach (var client in _clients)
                {
                    client.Dispose();
                }

                foreach (var process in _processes)
                {
                    await process.DisposeAsync();
                }
            }
        }

        private async Task RunStepsAsync(CancellationToken cancellationToken)
        {
            RunFrame.Log($"Seeding {options.SeedCount:N0} listings...");
            await SeedAsync(cancellationToken);

            var a = new[] { await StartApiAsync("A1", cacheEnabled: true, cancellationToken), await StartApiAsync("A2", cacheEnabled: true, cancellationToken) };
            var b = new[] { await StartApiAsync("B1", cacheEnabled: false, cancellationToken), await StartApiAsync("B2", cacheEnabled: false, cancellationToken) };
            foreach (var (name, process) in a.Concat(b))
            {
                results.PoolSizes[name] = await ApiHealth.ReadPoolSizeAsync(process.BaseAddress, cancellationToken);
            }

            var raw = await StartRawAsync(results.PoolSizes["A1"], cancellationToken);
            results.PoolSizes["Raw"] = results.PoolSizes["A1"];
            RunFrame.Log($"  Maximum Pool Size: {string.Join(", ", results.PoolSizes.Select(p => $"{p.Key} {p.Value?.ToString(CultureInfo.InvariantCulture) ?? "n/a"}"))}");

            // Through a process without the cache, before any write.
            var mix = await ReadMix.DiscoverAsync(b[0].Process.BaseAddress, options, cancellationToken);
            results.ListingsInMix = mix.Listings.Count;
            RunFrame.Log($"  read mix: {mix.Paths.Count} pages showing {mix.Listings.Count} listings");

            var perApi = options.Loops / 2;
            var settings = new[]
            {
                new Setting(CacheSetting.CacheOn, [.. a.Select(p => Target(p.Name, p.Process, perApi))], options.WriteShare, options.CrossProcessBound),
                new Setting(CacheSetting.CacheOff, [.. b.Select(p => Target(p.Name, p.Process, perApi))], options.WriteShare, options.CrossProcessBound),
                new Setting(CacheSetting.Raw, [Target("Raw", raw, options.Loops)], 0, options.CrossProcessBound),
            };
            var load = new CacheLoad(mix, BearerToken.Mint(_secret, TimeSpan.FromHours(2), CacheRunOptions.SeedOwner));
            var checker = new StalenessChecker(mix.Listings.Count);

            foreach (var setting in settings)
            {
                RunFrame.Log($"Warming up {setting.Kind.Name} for {options.WarmUp.TotalSeconds:0} s...");
                var warmUp = await load.RunAsync(setting.Targets, options.Loops, setting.WriteShare, options.WarmUp, record: false, cancellationToken);
                checker.Log(warmUp);
                RunFrame.Log($"  {warmUp.ReadsOk / warmUp.Seconds:0} reads/s, {warmUp.WritesOk / warmUp.Seconds:0} writes/s, non-2xx {warmUp.Failures.Values.Sum()}");
            }

            for (var round = 0; round < options.Rounds; round++)
            {
                foreach (var setting in round % 2 == 0 ? settings : settings.Reverse())
                {
                    checker.Log(await load.RunAsync(setting.Targets, options.Loops, setting.WriteShare, options.LeadIn, record: false, cancellationToken));
                    var phase = await load.RunAsync(setting.Targets, options.Loops, setting.WriteShare, options.RoundDuration, record: true, cancellationToken);
                    checker.Log(phase);
                    if (setting.WriteShare > 0)
                    {
                        checker.Check(phase, setting.Tally);
                    }

                    var measured = setting.Add(phase);
                    RunFrame.Log($"  round {round + 1}, {setting.Kind.Name}: {measured.ReadsOk / measured.Seconds:0} reads/s, {measured.WritesOk / measured.Seconds:0} writes/s, non-2xx {measured.NonSuccess}, {measured.CpuMicrosecondsPerRequest:0} µs CPU/request");
                }
            }

            results.WritesLogged = checker.Writes;
            results.WritesOutOfOrder = checker.OutOfOrder;
            foreach (var setting in settings)
            {
                results.Points.Add(setting.Summarize());
                if (setting.WriteShare > 0)
                {
                    results.Staleness[setting.Kind.Name] = setting.Tally.Outcome();
                }
            }
        }

        // A process of its own, never measured, seeds the database and logs the SQL of a city page.
        private async Task SeedAsync(CancellationToken cancellationToken)
        {
            var environment = Environment("Listings.Api.Seed", cacheEnabled: false);
            environment["DatabaseInitialization__SeedCount"] = options.SeedCount.ToString(CultureInfo.InvariantCulture);
            environment[SqlCapture.LogLevelVariable] = "Information";
            string log;
            await using (var process = await StartAsync(apiDll, "00-Listings.Api.Seed.log", environment, cancellationToken))
            {
                using var client = new HttpClient { BaseAddress = process.BaseAddress };
                (await client.GetAsync($"api/v1/listings?page=1&pageSize={options.PageSize}&city={Uri.EscapeDataString(options.City)}", cancellationToken)).EnsureSuccessStatusCode();
                process.FlushLog();
                log = process.LogPath;
            }

            if (SqlCapture.Find(await File.ReadAllLinesAsync(log, cancellationToken), page: 1, pageSize: options.PageSize, options.City) is { } sql)
            {
                results.ApiCityPageSql = OneLine(sql.PageSql);
                results.ApiCityCountSql = OneLine(sql.CountSql);
            }
        }

        private async Task<(string Name, ApiServer Process)> StartApiAsync(string name, bool cacheEnabled, CancellationToken cancellationToken)
        {
            var process = await StartAsync(apiDll, $"{_processes.Count + 1:00}-{name}.log", Environment($"Listings.Api.{name}", cacheEnabled), cancellationToken);
            _processes.Add(process);
            return (name, process);
        }

        private async Task<ApiServer> StartRawAsync(int? poolSize, CancellationToken cancellationToken)
        {
            var environment = Environment("Listings.RawNpgsql", cacheEnabled: false);
            if (poolSize is { } size)
            {
                environment["ConnectionPool__MaxPoolSize"] = size.ToString(CultureInfo.InvariantCulture);
            }

            var process = await StartAsync(rawDll, $"{_processes.Count + 1:00}-Raw.log", environment, cancellationToken);
            _processes.Add(process);
            return process;
        }

        private Task<ApiServer> StartAsync(string dll, string logName, Dictionary<string, string> environment, CancellationToken cancellationToken)
        {
            RunFrame.Log($"Starting {Path.GetFileNameWithoutExtension(logName)}...");
            return ApiServer.StartAsync(dll, environment, Path.Combine(options.LogDirectory, logName), cancellationToken);
        }

        // Every API process runs the same build with the same settings but the cache's; each names its connections.
        private Dictionary<string, string> Environment(string applicationName, bool cacheEnabled) => new()
        {
            ["ConnectionStrings__listingsdb"] = server.ConnectionString(Database, $"Application Name={applicationName}"),
            ["DatabaseInitialization__SeedCount"] = "0",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Cache__Enabled"] = cacheEnabled ? "true" : "false",
            [BearerToken.SecretVariable] = _secret,
        };

        private CacheTarget Target(string name, ApiServer process, int loops)
        {
            var client = LoadGenerator.CreateClient(process.BaseAddress, loops, options.RequestTimeout);
            _clients.Add(client);
            return new CacheTarget(name, client, process.ProcessId);
        }

        private static string OneLine(string sql) => string.Join(' ', sql.Split('\n', StringSplitOptions.TrimEntries));
    }

    // One setting's processes and what its measured rounds gave.
    private sealed class Setting(CacheSetting kind, CacheTarget[] targets, double writeShare, TimeSpan staleBound)
    {
        private readonly List<Measured> _rounds = [];
        private readonly List<double> _latenciesMs = [];

        public CacheSetting Kind => kind;

        public CacheTarget[] Targets => targets;

        public double WriteShare => writeShare;

        public StalenessTally Tally { get; } = new(staleBound);

        public Measured Add(PhaseRecord phase)
        {
            _latenciesMs.AddRange(phase.ReadLatenciesMs);
            var failures = phase.Failures;
            var requests = phase.ReadsOk + phase.WritesOk + failures.Values.Sum();
            var measured = new Measured(phase.Seconds, phase.ReadsOk, phase.WritesOk, failures,
                requests == 0 ? 0 : phase.CpuSeconds * 1e6 / requests, phase.CpuSeconds, requests);
            _rounds.Add(measured);
            return measured;
        }

        public CachePoint Summarize()
        {
            var latencies = _latenciesMs.Order().ToArray();
            var seconds = _rounds.Sum(r => r.Seconds);
            var requests = _rounds.Sum(r => r.Requests);
            return new CachePoint
            {
                Setting = kind.Name,
                Seconds = Math.Round(seconds, 1),
                ReadsPerSecond = seconds == 0 ? 0 : Math.Round(_rounds.Sum(r => r.ReadsOk) / seconds),
                ReadsPerSecondByRound = [.. _rounds.Select(r => Math.Round(r.ReadsOk / r.Seconds))],
                WritesPerSecond = seconds == 0 ? 0 : Math.Round(_rounds.Sum(r => r.WritesOk) / seconds, 1),
                Failures = _rounds.SelectMany(r => r.Failures).GroupBy(f => f.Key, StringComparer.Ordinal)
                    .OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(f => f.Value)),
                ReadP50Ms = Math.Round(LoadGenerator.Percentile(latencies, 0.5), 2),
                ReadP99Ms = Math.Round(LoadGenerator.Percentile(latencies, 0.99), 1),
                CpuMicrosecondsPerRequest = requests == 0 ? 0 : Math.Round(_rounds.Sum(r => r.CpuSeconds) * 1e6 / requests),
                CpuMicrosecondsPerRequestByRound = [.. _rounds.Select(r => Math.Round(r.CpuMicrosecondsPerRequest))],
            };
        }
    }

    // One measured round of one setting.
    private sealed record Measured(double Seconds, long ReadsOk, long WritesOk, Dictionary<string, long> Failures,
        double CpuMicrosecondsPerRequest, double CpuSeconds, long Requests)
    {
        public long NonSuccess => Failures.Values.Sum();
    }
}

/// <summary>A setting the cached-reads run measures.</summary>
/// <param name="Name">The name in the report.</param>
public sealed record CacheSetting(string Name)
{
    /// <summary>Two API processes on the one database, the cache on.</summary>
    public static readonly CacheSetting CacheOn = new("A: two APIs, cache on");

    /// <summary>The same two processes' setup with <c>Cache__Enabled=false</c>.</summary>
    public static readonly CacheSetting CacheOff = new("B: two APIs, cache off");

    /// <summary>The raw-Npgsql endpoint, reads only: the ceiling.</summary>
    public static readonly CacheSetting Raw = new("Raw: raw Npgsql");
}
