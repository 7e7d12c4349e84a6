using Listings.Benchmarks.Throughput.Report;

namespace Listings.Benchmarks.Throughput.Scenarios;

/// <summary>What every scenario shares: the database server, the API build, the run's options and the results.</summary>
/// <param name="Server">The throw-away PostgreSQL server.</param>
/// <param name="ApiDll">The path of the Release <c>Listings.Api.dll</c>.</param>
/// <param name="Options">The run's options.</param>
/// <param name="Results">The results, saved after every step.</param>
/// <param name="Sampler">The server-connection sampler.</param>
public sealed record BenchmarkContext(
    PostgresServer Server,
    string ApiDll,
    BenchmarkOptions Options,
    BenchmarkResults Results,
    ConnectionSampler Sampler)
{
    /// <summary>The database the storms, the sweep and the efficiency run use.</summary>
    public const string MainDatabase = "listings";

    // Numbers the API logs in start order, so the log folder reads like the run.
    private int _apiStarts;

    /// <summary>
    /// Starts one API process for <paramref name="setting"/> against <paramref name="database"/>.
    /// </summary>
    /// <param name="setting">The setting.</param>
    /// <param name="database">The database name; the API creates it and runs its migrations.</param>
    /// <param name="seedCount">Listings to seed when the table is empty.</param>
    /// <param name="extraEnvironment">Further variables, e.g. log levels.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public Task<ApiServer> StartApiAsync(ApiSetting setting, string database, int seedCount,
        IReadOnlyDictionary<string, string>? extraEnvironment, CancellationToken cancellationToken)
    {
        var environment = new Dictionary<string, string>(setting.Environment)
        {
            ["ConnectionStrings__listingsdb"] = Server.ConnectionString(database, setting.ConnectionKeywords),
            ["DatabaseInitialization__SeedCount"] = seedCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // Production logs every SQL command at Information; on two cores that console output would cost as much
            // as the work measured, and it would cost every setting alike.
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (key, value) in extraEnvironment ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        var logName = $"{Interlocked.Increment(ref _apiStarts):00}-api-{Slug(setting.Name)}-{Slug(database)}.log";
        return ApiServer.StartAsync(ApiDll, environment, Path.Combine(Options.LogDirectory, logName), cancellationToken);
    }

    /// <summary>Writes <c>results.json</c> now, so an interrupted run keeps what it measured.</summary>
    public Task SaveAsync() => JsonResults.WriteAsync(Results, Path.Combine(Options.OutputDirectory, "results.json"));

    private static string Slug(string name) => string.Concat(name.Select(c => char.IsLetterOrDigit(c) ? c : '-'));
}
