using System.Diagnostics;
using System.Globalization;
using Listings.Benchmarks.Ceiling;
using Listings.Benchmarks.Faults.Load;
using Listings.Benchmarks.Throughput;

namespace Listings.Benchmarks.Replicas;

/// <summary>
/// What a read replica costs and gives: one throw-away primary seeded with 100,000 listings and one streaming standby of
/// it (<see cref="PostgresServer.StartStandbyAsync"/>); two API processes side by side, one on the primary alone, one
/// with the standby as <c>ConnectionStrings:listingsdb-read</c>, loaded in turn by <c>wrk</c> on page 1 as the ceiling
/// run loads its settings (CPU per request of each process, 200/s); the share of reads the standby served (the routed
/// reads the API counts in <c>/health</c>); write-then-read pairs with and without the <c>Listings-Consistency</c> token, with replay
/// running and paused; and pgbench on the page SQL on each host, the capacity a host adds.
/// </summary>
public static class ReplicaRun
{
    private const string Database = "listings";

    /// <summary>Runs everything; returns the process exit code (0 when every step ran, whatever the numbers).</summary>
    /// <param name="args">The arguments after <see cref="ReplicaOptions.Command"/>.</param>
    /// <param name="cancellationToken">Stops the run; the processes and both servers are still stopped and deleted.</param>
    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        if (RunFrame.Begin(root => ReplicaOptions.Parse(args, root)) is not (var root, var options))
        {
            return 2;
        }

        var results = new ReplicaResults
        {
            Machine = MachineFactsReader.Read(root),
            Quick = options.Quick,
            Timing = options.Timing,
            MaxLagSeconds = options.MaxLagSeconds,
            PollMilliseconds = options.PollMilliseconds,
            CatchUpMilliseconds = options.CatchUpMilliseconds,
            LoadAverageAtStart = MachineFactsReader.LoadAverage(),
        };
        return await RunFrame.RunAsync(root, results, async (primary, apiDll) =>
        {
            if (!ProcessCpu.TickRateIsKnown())
            {
                throw new InvalidOperationException("getconf CLK_TCK is not 100: CPU per request would be wrong.");
            }

            await using (var connection = await primary.OpenAsync("postgres", cancellationToken))
            {
                results.Machine.PostgreSql = connection.PostgreSqlVersion.ToString();
            }

            await new Steps(primary, apiDll, options, results).RunAsync(cancellationToken);
        }, () => WriteReportAsync(results, options), cancellationToken);
    }

    private static async Task WriteReportAsync(ReplicaResults results, ReplicaOptions options)
    {
        results.LoadAverageAtEnd = MachineFactsReader.LoadAverage();
        results.Goals.Clear();
        results.Goals.AddRange(ReplicaReport.Goals(results));
        var report = ReplicaReport.Render(results);
        await File.WriteAllTextAsync(Path.Combine(options.OutputDirectory, "replicas.md"), report);
        await JsonResults.WriteAsync(results, Path.Combine(options.OutputDirectory, "replicas.json"));
        Console.WriteLine();
        Console.WriteLine(report);
    }

    private sealed class Steps(PostgresServer primary, string apiDll, ReplicaOptions options, ReplicaResults results)
    {
        private readonly string _secret = BearerToken.NewSecret();
        private int _starts;

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            RunFrame.Log($"Seeding {options.SeedCount:N0} listings...");
            var pageSql = await SeedAsync(cancellationToken);

            RunFrame.Log("Starting the standby (pg_basebackup -R)...");
            await using var standby = await primary.StartStandbyAsync(cancellationToken);
            await primary.WaitForReplayAsync(standby, cancellationToken);

            await using var sampler = await ConnectionSampler.OpenAsync(primary, cancellationToken);
            var sideBySide = new SideBySide(sampler, options.Timing, Path.Combine(options.LogDirectory, "wrk.log"));
            await using var primaryOnly = await StartAsync(ReplicaSetting.PrimaryOnly, null, [], cancellationToken);
            await using var withReplica = await StartAsync(ReplicaSetting.WithReplica, standby, [], cancellationToken);
            await ReplicaHealth.WaitServingAsync(withReplica.BaseAddress, TimeSpan.FromSeconds(30), cancellationToken);
            await ReadPoolSizesAsync(primaryOnly, withReplica, cancellationToken);

            (ReplicaSetting Setting, ApiServer Process)[] settings = [(ReplicaSetting.PrimaryOnly, primaryOnly), (ReplicaSetting.WithReplica, withReplica)];
            foreach (var (setting, process) in settings)
            {
                results.WarmUps[setting.Name] = await sideBySide.WarmUpAsync(setting.Name, process, cancellationToken);
            }

            foreach (var connections in options.Connections)
            {
                await MeasureInRoundsAsync(settings, sideBySide, connections, cancellationToken);
                await SaveAsync();
            }

            await ConsistencyAsync(standby, withReplica, cancellationToken);
            await SaveAsync();

            if (pageSql is not null)
            {
                results.PageSql = pageSql;
                results.PrimaryPgBenchTps = await PgBenchAsync("primary", primary, cancellationToken);
                results.StandbyPgBenchTps = await PgBenchAsync("standby", standby, cancellationToken);
            }
        }

        // A process of its own, never measured, seeds the primary before the standby is copied from it, and logs the page
        // SQL pgbench runs on each host.
        private async Task<string?> SeedAsync(CancellationToken cancellationToken)
        {
            var seeding = ReplicaSetting.PrimaryOnly with { ApplicationName = "Listings.Api.Seed" };
            var environment = new Dictionary<string, string>
            {
                ["DatabaseInitialization__SeedCount"] = options.SeedCount.ToString(CultureInfo.InvariantCulture),
                [SqlCapture.LogLevelVariable] = "Information",
            };
            string log;
            await using (var process = await StartAsync(seeding, null, environment, cancellationToken))
            {
                using var client = new HttpClient { BaseAddress = process.BaseAddress };
                (await client.GetAsync(SideBySide.PagePath, cancellationToken)).EnsureSuccessStatusCode();
                log = process.LogPath;
            }

            var sql = SqlCapture.Find(await File.ReadAllLinesAsync(log, cancellationToken), page: 1, pageSize: 20);
            return sql is null ? null : string.Join(' ', sql.PageSql.Split('\n', StringSplitOptions.TrimEntries));
        }

        private async Task ReadPoolSizesAsync(ApiServer primaryOnly, ApiServer withReplica, CancellationToken cancellationToken)
        {
            results.PoolSizes[$"{ReplicaSetting.PrimaryOnly.Name}: primary"] = await ApiHealth.ReadPoolSizeAsync(primaryOnly.BaseAddress, cancellationToken);
            results.PoolSizes[$"{ReplicaSetting.WithReplica.Name}: primary"] = await ApiHealth.ReadPoolSizeAsync(withReplica.BaseAddress, cancellationToken);
            foreach (var (host, size) in await ReplicaHealth.ReadPoolSizesAsync(withReplica.BaseAddress, cancellationToken))
            {
                results.PoolSizes[$"{ReplicaSetting.WithReplica.Name}: replica {host}"] = size;
            }

            RunFrame.Log($"  Maximum Pool Size: {string.Join(", ", results.PoolSizes.Select(p => $"{p.Key} {p.Value?.ToString(CultureInfo.InvariantCulture) ?? "n/a"}"))}");
        }

        // The two processes in turn, the order reversed every other round as SideBySide does it, the routed reads the API
        // with the replica counts (/health) read around each of its rounds.
        private async Task MeasureInRoundsAsync((ReplicaSetting Setting, ApiServer Process)[] settings, SideBySide sideBySide,
            int connections, CancellationToken cancellationToken)
        {
            var rounds = settings.Select(_ => new List<MeasuredRound>()).ToArray();
            for (var round = 0; round < options.Timing.Rounds; round++)
            {
                foreach (var i in round % 2 == 0 ? new[] { 0, 1 } : new[] { 1, 0 })
                {
                    var (setting, process) = settings[i];
                    var before = setting.UsesReplica ? await ReplicaHealth.ReadCountsAsync(process.BaseAddress, cancellationToken) : null;
                    var clock = Stopwatch.StartNew();
                    await sideBySide.LoadAsync(process, connections, options.Timing.LeadIn, cancellationToken);
                    rounds[i].Add(await sideBySide.MeasureOnceAsync(setting.ApplicationName, process, connections, options.Timing.RoundDuration, cancellationToken));
                    if (before is not null)
                    {
                        var after = await ReplicaHealth.ReadCountsAsync(process.BaseAddress, cancellationToken);
                        var reads = after.Since(before);
                        var share = new ReadShare(connections, round + 1, Math.Round(clock.Elapsed.TotalSeconds, 1), reads.Replicas.Values.Sum(), reads.Primary);
                        results.Shares.Add(share);
                        RunFrame.Log($"  round {round + 1}: the replica served {share.Replica:N0} reads (its count {before.Replicas.Values.Sum():N0} → {after.Replicas.Values.Sum():N0}), the primary {share.PrimaryTotal:N0} ({string.Join(", ", share.Primary.Select(r => $"{r.Key} {r.Value:N0}"))}): {share.ReplicaShare:P1} on the replica");
                    }
                }
            }

            foreach (var ((setting, _), measured) in settings.Zip(rounds))
            {
                var point = SideBySide.Summarize(setting.Name, connections, 0, measured);
                results.Points.Add(point);
                RunFrame.Log($"  {setting.Name}, {connections} connections: {point.OkPerSecond:0} 200/s (rounds {string.Join(", ", point.OkPerSecondByRound.Select(r => r.ToString("0", CultureInfo.InvariantCulture)))}), non-2xx {point.NonSuccess}, p99 {point.P99Ms:0} ms, {point.CpuMicrosecondsPerRequest:0} µs CPU/request");
            }
        }

        // Write-then-read pairs with replay running, then for a short window with the standby's replay paused: a read
        // with the token must see its write from the primary, one without it sees the replica until it leaves the rotation.
        private async Task ConsistencyAsync(PostgresServer standby, ApiServer withReplica, CancellationToken cancellationToken)
        {
            using var pairs = new ConsistencyPairs(withReplica.BaseAddress, BearerToken.Mint(_secret, TimeSpan.FromHours(2)), options,
                $"replicas-{Guid.NewGuid().ToString("N")[..8]}");
            RunFrame.Log($"  {options.Pairs:N0} write-then-read pairs on {options.Workers} workers, replay running...");
            await ReplicaHealth.WaitServingAsync(withReplica.BaseAddress, TimeSpan.FromSeconds(30), cancellationToken);
            await RecordAsync(withReplica, () => pairs.RunAsync("replay running", number => number < options.Pairs, cancellationToken), cancellationToken);

            RunFrame.Log($"  pairs for {options.PausedFor.TotalSeconds:0.0} s with the standby's replay paused...");
            await ReplicaHealth.WaitServingAsync(withReplica.BaseAddress, TimeSpan.FromSeconds(30), cancellationToken);
            await standby.PauseReplayAsync(cancellationToken);
            try
            {
                var clock = Stopwatch.StartNew();
                await RecordAsync(withReplica, () => pairs.RunAsync("replay paused", _ => clock.Elapsed < options.PausedFor, cancellationToken), cancellationToken);
            }
            finally
            {
                await standby.ResumeReplayAsync(CancellationToken.None);
            }

            await primary.WaitForReplayAsync(standby, cancellationToken);
        }

        // One run of pairs, with the routed reads the API counted meanwhile.
        private async Task RecordAsync(ApiServer withReplica, Func<Task<ConsistencyOutcome>> run, CancellationToken cancellationToken)
        {
            var before = await ReplicaHealth.ReadCountsAsync(withReplica.BaseAddress, cancellationToken);
            var outcome = await run();
            var reads = (await ReplicaHealth.ReadCountsAsync(withReplica.BaseAddress, cancellationToken)).Since(before);
            outcome.ReplicaReads = reads.Replicas.Values.Sum();
            outcome.PrimaryReads = reads.Primary;
            results.Consistency.Add(outcome);
            RunFrame.Log($"  {outcome.Name}: {outcome.Pairs} pairs, stale with the token {outcome.StaleWithToken}, without it {outcome.StaleWithoutToken} (data age max {outcome.DataAgeMaxMs:0} ms, until seen max {outcome.UntilSeenMaxMs:0} ms, never visible {outcome.NeverVisible})");
        }

        private async Task<double> PgBenchAsync(string host, PostgresServer server, CancellationToken cancellationToken)
        {
            RunFrame.Log($"pgbench on the page SQL on the {host}, {options.PgBenchClients} connections...");
            var folder = Directory.CreateDirectory(Path.Combine(options.LogDirectory, $"pgbench-{host}")).FullName;
            var tps = Math.Round(await PgBench.RunAsync(server, Database, results.PageSql + ";\n", options.PgBenchClients,
                options.PgBenchDuration, folder, cancellationToken));
            RunFrame.Log($"  {tps:0} tps");
            return tps;
        }

        private Task SaveAsync() => JsonResults.WriteAsync(results, Path.Combine(options.OutputDirectory, "replicas.json"));

        // Every process runs the same build with the same settings but for the read connection; each names its connections.
        private Task<ApiServer> StartAsync(ReplicaSetting setting, PostgresServer? standby, Dictionary<string, string> extra,
            CancellationToken cancellationToken)
        {
            var keywords = $"Application Name={setting.ApplicationName}";
            var environment = new Dictionary<string, string>
            {
                ["ConnectionStrings__listingsdb"] = primary.ConnectionString(Database, keywords),
                ["DatabaseInitialization__SeedCount"] = "0",
                ["Logging__LogLevel__Default"] = "Warning",
                [BearerToken.SecretVariable] = _secret,
            };
            if (standby is not null)
            {
                environment["ConnectionStrings__listingsdb-read"] = standby.ConnectionString(Database, keywords);
                environment["ReadReplicas__MaxLagSeconds"] = options.MaxLagSeconds.ToString(CultureInfo.InvariantCulture);
                environment["ReadReplicas__PollMilliseconds"] = options.PollMilliseconds.ToString(CultureInfo.InvariantCulture);
                environment["ReadReplicas__CatchUpMilliseconds"] = options.CatchUpMilliseconds.ToString(CultureInfo.InvariantCulture);
            }

            foreach (var (key, value) in extra)
            {
                environment[key] = value;
            }

            var logName = $"{Interlocked.Increment(ref _starts):00}-{setting.ApplicationName}.log";
            RunFrame.Log($"Starting {setting.ApplicationName}...");
            return ApiServer.StartAsync(apiDll, environment, Path.Combine(options.LogDirectory, logName), cancellationToken);
        }
    }
}

/// <summary>A process the read-replica run measures.</summary>
/// <param name="Name">The name in the report.</param>
/// <param name="UsesReplica">True when it is given the standby as <c>ConnectionStrings:listingsdb-read</c>.</param>
/// <param name="ApplicationName">The <c>Application Name</c> of its server connections, on both hosts.</param>
public sealed record ReplicaSetting(string Name, bool UsesReplica, string ApplicationName)
{
    /// <summary>The API on the primary alone.</summary>
    public static readonly ReplicaSetting PrimaryOnly = new("A: primary only", false, "Listings.Api.PrimaryOnly");

    /// <summary>The API with the standby as its read replica.</summary>
    public static readonly ReplicaSetting WithReplica = new("B: primary + replica", true, "Listings.Api.WithReplica");
}
