namespace Listings.Benchmarks.Cache;

/// <summary>
/// The cached-reads run's options: <c>cache [--quick] [--out folder]</c>. Named apart from the API's
/// <c>Listings.Api.Caching.CacheOptions</c>, the settings it measures.
/// </summary>
public sealed class CacheRunOptions : IRunOptions
{
    /// <summary>The command word that selects this run.</summary>
    public const string Command = "cache";

    /// <summary>The id of the seed's owner (<c>Listings.Api.Data.SeedOwner</c>): the writes' token is theirs.</summary>
    public static readonly Guid SeedOwner = new("00000000-0000-0000-0000-000000000001");

    /// <summary>Gets a value indicating whether the run is the short one.</summary>
    public bool Quick { get; private init; }

    /// <summary>Gets the folder <c>cache.md</c> and <c>cache.json</c> are written to.</summary>
    public string OutputDirectory { get; private init; } = "";

    /// <summary>Gets the folder the processes' logs are written to.</summary>
    public string LogDirectory => Path.Combine(OutputDirectory, "logs", "cache");

    /// <summary>Gets the listings seeded: the ceiling run's 100,000 (quick: 20,000, still 100+ pages of the city read).</summary>
    public int SeedCount => Quick ? 20_000 : 100_000;

    /// <summary>Gets the closed-loop clients, split evenly over a setting's processes.</summary>
    public int Loops => Quick ? 64 : 256;

    /// <summary>Gets how long each setting is loaded, unmeasured, once after its processes start.</summary>
    public TimeSpan WarmUp => TimeSpan.FromSeconds(Quick ? 5 : 20);

    /// <summary>Gets the unmeasured load before each round, so a setting that sat idle meets the load before it counts.</summary>
    public TimeSpan LeadIn => TimeSpan.FromSeconds(Quick ? 1 : 3);

    /// <summary>Gets how long each setting is measured in one round.</summary>
    public TimeSpan RoundDuration => TimeSpan.FromSeconds(Quick ? 5 : 20);

    /// <summary>Gets the rounds; the settings take turns, in the reverse order every other round.</summary>
    public int Rounds => Quick ? 1 : 3;

    /// <summary>Gets the share of operations that are writes (the rest are reads) in the two-API settings.</summary>
    public double WriteShare => 0.05;

    /// <summary>Gets the page size of every read.</summary>
    public int PageSize => 20;

    /// <summary>Gets the unfiltered pages read: 1 to this.</summary>
    public int UnfilteredPages => 40;

    /// <summary>Gets the pages of <see cref="City"/> read: 1 to this.</summary>
    public int CityPages => 10;

    /// <summary>Gets the seeded city the filtered reads ask for (a twelfth of the seed).</summary>
    public string City => "Paris";

    /// <summary>Gets the per-request timeout; a request without an answer by then counts as a timeout.</summary>
    public TimeSpan RequestTimeout => TimeSpan.FromSeconds(10);

    /// <summary>Gets how stale a read may be across processes: the other processes evict within it.</summary>
    public TimeSpan CrossProcessBound => TimeSpan.FromSeconds(1);

    /// <summary>True when <paramref name="args"/> selects this run.</summary>
    /// <param name="args">The program's arguments.</param>
    public static bool IsInvocation(string[] args) => args.Length > 0 && args[0] == Command;

    /// <summary>Parses the arguments after <see cref="Command"/>.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="repositoryRoot">The repository the default output folder is in.</param>
    public static CacheRunOptions Parse(IReadOnlyList<string> args, string repositoryRoot)
    {
        var (quick, output) = RunArguments.Parse(args, repositoryRoot, $"{Command} [--quick] [--out folder]");
        return new CacheRunOptions { Quick = quick, OutputDirectory = output };
    }
}
