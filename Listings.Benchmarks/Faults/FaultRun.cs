using System.Globalization;
using System.Text.Json;
using Listings.Benchmarks.Faults.Analysis;
using Listings.Benchmarks.Faults.Load;
using Listings.Benchmarks.Faults.Probes;
using Listings.Benchmarks.Faults.Report;
using Listings.Benchmarks.Faults.Scenarios;

namespace Listings.Benchmarks.Faults;

/// <summary>
/// The fault harness in order: build the API, start PostgreSQL and one API process, then the restart under load,
/// the outage and the killed backends against that same process, the connect stall against a second one behind a
/// stalling proxy, and write <c>faults.md</c> and <c>faults.json</c>.
/// </summary>
public static class FaultRun
{
    private static readonly TimeSpan HealthyTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Runs every scenario; returns the process exit code (0 when the run itself worked, whatever the numbers).</summary>
    /// <param name="args">The arguments after <c>faults</c>: <c>[--quick] [--out folder]</c>.</param>
    /// <param name="cancellationToken">Stops the run; clean-up still happens.</param>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        // Only the fault run's own log folder is emptied; the benchmark's logs beside it stay.
        if (RunFrame.Begin(root => FaultOptions.Parse(args, root)) is not (var root, var options))
        {
            return 2;
        }

        var results = new FaultResults { Machine = MachineFactsReader.Read(root), Parameters = ParametersOf(options) };
        return await RunFrame.RunAsync(root, results, async (server, apiDll) =>
        {
            try
            {
                await RunScenariosAsync(server, apiDll, options, results, cancellationToken);
            }
            finally
            {
                server.CopyLogTo(Path.Combine(options.LogDirectory, "postgres.log"));
            }
        }, () => WriteReportAsync(results, options), cancellationToken);
    }

    private static async Task RunScenariosAsync(PostgresServer server, string apiDll, FaultOptions options, FaultResults results,
        CancellationToken cancellationToken)
    {
        await using (var connection = await server.OpenAsync("postgres", cancellationToken))
        {
            results.Machine.PostgreSql = connection.PostgreSqlVersion.ToString();
        }

        var secret = BearerToken.NewSecret();
        Log($"Starting Listings.Api and seeding {options.SeedCount:N0} listings...");
        await using var api = await ApiServer.StartAsync(apiDll, ApiEnvironment(server, options, secret),
            Path.Combine(options.LogDirectory, "api.log"), cancellationToken);
        results.ApiProcessId = api.ProcessId;
        await AnalyzeAsync(server, options.Database, cancellationToken);
        var runId = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()[..4]);
        var context = new FaultContext(server, api, options, runId, BearerToken.Mint(secret, TimeSpan.FromHours(2)),
            await ReadIdsAsync(api, cancellationToken));
        await WarmUpAsync(context, cancellationToken);
        results.SettledHealth["warm-up"] = await WaitHealthyAsync(api, server, cancellationToken);

        Log($"1. Restart: {options.Clients} clients, pg_ctl restart -m fast after {options.RestartBefore.TotalSeconds:0} s...");
        var restart = results.Restart = await RestartScenario.RunAsync(context, cancellationToken);
        Log($"   window {restart.Window.Seconds:0.00} s; failed reads {restart.ReadErrorsBefore}/{restart.ReadErrorsInside}/{restart.ReadErrorsAfter} (before/inside/after); writes {restart.Writes.Acknowledged} acknowledged, {restart.Writes.Lost} lost, {restart.Writes.DuplicatedKeys} duplicated; first success {restart.Recovery.FirstSuccessSeconds?.ToString("0.00", CultureInfo.InvariantCulture) ?? "never"} s after");
        await SaveAsync(results, options);
        results.SettledHealth[RestartScenario.Name] = await WaitHealthyAsync(api, server, cancellationToken);

        Log($"2. Outage: PostgreSQL stopped for {options.OutageLength.TotalSeconds:0} s under {options.Clients} clients...");
        var outage = results.Outage = await OutageScenario.RunAsync(context, cancellationToken);
        Log($"   {outage.OutageRequests.Requests} requests in the outage, {outage.ProblemWithRetryAfter} were 503 + Retry-After, {outage.OverBound} over {outage.BoundMs:0} ms (max {outage.MaxMs:0} ms); first success {outage.Recovery.FirstSuccessSeconds?.ToString("0.00", CultureInfo.InvariantCulture) ?? "never"} s after the server was back");
        await SaveAsync(results, options);
        results.SettledHealth[OutageScenario.Name] = await WaitHealthyAsync(api, server, cancellationToken);

        Log($"3. Killed backends: reads for {options.KillDuration.TotalSeconds:0} s, pg_terminate_backend every {options.KillInterval.TotalSeconds:0} s...");
        var killed = results.KilledBackends = await KilledBackendsScenario.RunAsync(context, cancellationToken);
        Log($"   {killed.Rounds.Sum(r => r.Terminated)} backends ended in {killed.Rounds.Count} rounds; {killed.Requests.Requests - killed.Requests.Succeeded} errors in {killed.Requests.Requests} reads");
        results.SettledHealth[KilledBackendsScenario.Name] = await WaitHealthyAsync(api, server, cancellationToken);
        await SaveAsync(results, options);

        Log($"4. Connect stall: a second API behind a proxy that holds new connections {options.StallDelay.TotalSeconds:0} s, reads for {options.StallLength.TotalSeconds:0} s...");
        var stall = results.ConnectStall = await ConnectStallScenario.RunAsync(context, apiDll, ApiEnvironment(server, options, secret), cancellationToken);
        Log($"   {stall.StalledConnections} connections stalled; {stall.StallRequests.Requests} requests in the stall, {stall.StallRequests.Succeeded} served, {stall.ProblemWithRetryAfter} were 503 + Retry-After, {stall.OverBound} over {stall.BoundMs:0} ms (max {stall.MaxMs:0} ms)");
        results.ApiAliveAtEnd = !api.HasExited && api.ProcessId == results.ApiProcessId;
    }

    private static Dictionary<string, string> ApiEnvironment(PostgresServer server, FaultOptions options, string secret) => new()
    {
        ["ConnectionStrings__listingsdb"] = server.ConnectionString(options.Database),
        ["DatabaseInitialization__SeedCount"] = options.SeedCount.ToString(CultureInfo.InvariantCulture),
        ["Admission__Enabled"] = "true",
        [BearerToken.SecretVariable] = secret,
        // Warnings and errors only, each stamped in UTC, so the report can place them around the faults.
        ["Logging__LogLevel__Default"] = "Warning",
        ["Logging__Console__TimestampFormat"] = ApiLogEntry.TimestampFormat,
        ["Logging__Console__UseUtcTimestamp"] = "true",
    };

    private static async Task<IReadOnlyList<long>> ReadIdsAsync(ApiServer api, CancellationToken cancellationToken)
    {
        using var client = new RecordingClient(api.BaseAddress, 1, TimeSpan.FromSeconds(30), "", new FaultClock());
        var body = await client.GetStringOrNullAsync("api/v1/listings?page=1&pageSize=100", cancellationToken)
            ?? throw new InvalidOperationException("The API did not answer the first page.");
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("id").GetInt64()).ToList();
    }

    // The first seconds of a fresh process are JIT and model building; the scenarios measure serving.
    private static async Task WarmUpAsync(FaultContext context, CancellationToken cancellationToken)
    {
        var clock = new FaultClock();
        using var client = context.CreateClient(clock);
        var warmUp = await context.CreateLoad(client, clock, "warmup", context.Options.WriteShare, context.Options.WarmUp).RunAsync(cancellationToken);
        Log($"Warm-up: {warmUp.Requests.Count} requests, {warmUp.Requests.Count(r => !r.Succeeded)} not successful ({string.Join(", ", warmUp.Requests.GroupBy(r => r.Outcome).Select(g => $"{g.Key}: {g.Count()}"))})");
    }

    // Returns /health as it reads once the service has settled, beside the server's own count of the API's
    // connections: a pool count that stays up while nothing runs is worth a line.
    private static async Task<string> WaitHealthyAsync(ApiServer api, PostgresServer server, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = api.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var clock = new FaultClock();
        while (clock.Now < HealthyTimeout.TotalSeconds)
        {
            if ((await HealthProbe.AskAsync(client, "health", clock)).Status == 200)
            {
                // A pause so the next scenario's steady phase starts from a settled service.
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
                var settled = (await HealthProbe.AskAsync(client, "health", clock)).Label
                    + $" (server side: {await ApiBackendsAsync(server, cancellationToken)})";
                Log($"   /health when settled: {settled}");
                return settled;
            }

            await Task.Delay(250, cancellationToken);
        }

        Log($"The API's /health was not 200 within {HealthyTimeout.TotalSeconds:0} s; the next scenario starts anyway and will show it.");
        return $"not 200 within {HealthyTimeout.TotalSeconds:0} s";
    }

    // The seed arrives in one burst; analyzing it now keeps autovacuum's later pass out of the scenarios.
    private static async Task AnalyzeAsync(PostgresServer server, string database, CancellationToken cancellationToken)
    {
        await using var connection = await server.OpenAsync(database, cancellationToken);
        await using var command = new Npgsql.NpgsqlCommand("VACUUM ANALYZE listings", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<string> ApiBackendsAsync(PostgresServer server, CancellationToken cancellationToken)
    {
        await using var connection = await server.OpenAsync("postgres", cancellationToken);
        await using var command = new Npgsql.NpgsqlCommand(
            "SELECT count(*)::int, count(*) FILTER (WHERE state = 'active')::int FROM pg_stat_activity WHERE application_name = @application",
            connection);
        command.Parameters.AddWithValue("application", BackendKiller.ApiApplicationName);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return $"the API holds {reader.GetInt32(0)} connections, {reader.GetInt32(1)} running a query";
    }

    private static FaultParameters ParametersOf(FaultOptions options) => new()
    {
        Quick = options.Quick,
        SeedCount = options.SeedCount,
        Clients = options.Clients,
        WriteShare = options.WriteShare,
        RequestTimeoutSeconds = options.RequestTimeout.TotalSeconds,
        DrainLimitSeconds = options.DrainLimit.TotalSeconds,
        RestartLoad = $"{options.Clients} clients, {options.WriteShare:P0} writes, {options.RestartBefore.TotalSeconds:0} s before the restart and {options.RestartAfter.TotalSeconds:0} s from it",
        OutageSeconds = options.OutageLength.TotalSeconds,
        KillSeconds = options.KillDuration.TotalSeconds,
        KillIntervalSeconds = options.KillInterval.TotalSeconds,
        StallSeconds = options.StallLength.TotalSeconds,
        StallDelaySeconds = options.StallDelay.TotalSeconds,
        ThinkTimeMs = options.ThinkTime.TotalMilliseconds,
        RecoveryBoundSeconds = options.RecoveryBound.TotalSeconds,
    };

    private static Task SaveAsync(FaultResults results, FaultOptions options) =>
        JsonResults.WriteAsync(results, Path.Combine(options.OutputDirectory, "faults.json"));

    private static async Task WriteReportAsync(FaultResults results, FaultOptions options)
    {
        results.Goals.Clear();
        results.Goals.AddRange(FaultGoals.Evaluate(results));
        var report = FaultMarkdownReport.Render(results);
        await File.WriteAllTextAsync(Path.Combine(options.OutputDirectory, "faults.md"), report);
        await SaveAsync(results, options);
        Console.WriteLine();
        Console.WriteLine(report);
        Log($"Report: {Path.Combine(options.OutputDirectory, "faults.md")}");
    }

    private static void Log(string message) => RunFrame.Log(message);
}
