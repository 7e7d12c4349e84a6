namespace Listings.Benchmarks.Throughput;

/// <summary>The run's options, from the command line: <c>[--quick] [--out folder]</c>.</summary>
public sealed class BenchmarkOptions : IRunOptions
{
    /// <summary>Gets a value indicating whether the run is the short one (fewer clients, shorter storms, smaller tables).</summary>
    public bool Quick { get; private init; }

    /// <summary>
    /// Gets the folder the report, <c>results.json</c> and the charts are written to: <c>--out</c> relative to the
    /// current folder, else <c>benchmarks/results</c> of the repository.
    /// </summary>
    public string OutputDirectory { get; private init; } = "";

    /// <summary>Gets the folder the API and tool logs are written to.</summary>
    public string LogDirectory => Path.Combine(OutputDirectory, "logs");

    /// <summary>Gets the listings seeded for the storms, the sweep and the efficiency run.</summary>
    public int SeedCount => 100_000;

    /// <summary>Gets the storm's concurrent clients.</summary>
    public int StormClients => Quick ? 300 : 1000;

    /// <summary>Gets how long each storm sends requests.</summary>
    public TimeSpan StormDuration => TimeSpan.FromSeconds(Quick ? 8 : 30);

    /// <summary>
    /// Gets the client's per-request timeout. The full run waits 120 s, longer than any pool timeout plus retries
    /// could hide; the quick run caps it at 30 s to stay short, so a slow tail shows as timeouts instead.
    /// </summary>
    public TimeSpan RequestTimeout => TimeSpan.FromSeconds(Quick ? 30 : 120);

    /// <summary>Gets the sweep's concurrent clients.</summary>
    public int SweepClients => 200;

    /// <summary>Gets how long each sweep point sends requests (half the storm).</summary>
    public TimeSpan SweepDuration => StormDuration / 2;

    /// <summary>Gets the pool sizes of the sweep.</summary>
    public IReadOnlyList<int> SweepPoolSizes { get; } = [2, 5, 10, 20, 50];

    /// <summary>Gets the table sizes of the page-depth measurement.</summary>
    public IReadOnlyList<int> TableSizes => Quick ? [10_000, 100_000] : [10_000, 100_000, 1_000_000];

    /// <summary>Gets the page depths measured.</summary>
    public IReadOnlyList<int> PageDepths { get; } = [1, 100, 1000, 5000];

    /// <summary>Gets the sequential requests timed per page-depth point.</summary>
    public int DepthRequests => Quick ? 100 : 200;

    /// <summary>Gets the page size every request uses, the original's.</summary>
    public int PageSize => 20;

    /// <summary>Gets the pgbench connections: the policy's pool for a direct connection.</summary>
    public int PgBenchClients => 20;

    /// <summary>Parses the command line.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="repositoryRoot">The repository the default output folder is in.</param>
    public static BenchmarkOptions Parse(string[] args, string repositoryRoot)
    {
        var (quick, output) = RunArguments.Parse(args, repositoryRoot, "[--quick] [--out folder]");
        return new BenchmarkOptions { Quick = quick, OutputDirectory = output };
    }
}
