namespace Listings.Benchmarks.Faults;

/// <summary>The fault run's options, from the command line: <c>faults [--quick] [--out folder]</c>, and its fixed shape.</summary>
public sealed class FaultOptions : IRunOptions
{
    /// <summary>The command-line word that selects the fault harness instead of the benchmark.</summary>
    public const string Command = "faults";

    /// <summary>Gets a value indicating whether the run is the short one (shorter phases, a 10 s outage).</summary>
    public bool Quick { get; private init; }

    /// <summary>Gets the folder <c>faults.md</c> and <c>faults.json</c> are written to: <c>--out</c>, else <c>benchmarks/results</c>.</summary>
    public string OutputDirectory { get; private init; } = "";

    /// <summary>Gets the folder the API's and PostgreSQL's logs of the run are kept in.</summary>
    public string LogDirectory => Path.Combine(OutputDirectory, "logs", "faults");

    /// <summary>Gets the database the API serves.</summary>
    public string Database => "listings_faults";

    /// <summary>Gets the listings seeded before the faults.</summary>
    public int SeedCount => 10_000;

    /// <summary>Gets the concurrent clients of the restart and outage loads, and of the read load under killed backends.</summary>
    public int Clients => 100;

    /// <summary>Gets the share of the mixed load's operations that are writes.</summary>
    public double WriteShare => 0.2;

    /// <summary>
    /// Gets the longest think time of a client between operations (each pause is 50 % to 100 % of it). 100 clients
    /// with no pause saturate the API's admission queue on two cores and get "Service busy" 503s with no fault at all;
    /// with it the steady load (about 400 requests/s here) stays below saturation.
    /// </summary>
    public TimeSpan ThinkTime => TimeSpan.FromMilliseconds(300);

    /// <summary>
    /// Gets how long the load runs after the API starts, before the first scenario. On two cores a fresh process
    /// answers near its saturation for its first ten seconds or so (JIT tiering, EF Core's query caches).
    /// </summary>
    public TimeSpan WarmUp => TimeSpan.FromSeconds(Quick ? 8 : 20);

    /// <summary>
    /// Gets the client's per-request timeout. A request without an answer by then counts as a hang; its write is
    /// retried with the same key.
    /// </summary>
    public TimeSpan RequestTimeout => TimeSpan.FromSeconds(10);

    /// <summary>Gets how long after the load's end an unacknowledged write keeps being retried before the client gives up.</summary>
    public TimeSpan DrainLimit => TimeSpan.FromSeconds(30);

    /// <summary>Gets the steady load before the restart.</summary>
    public TimeSpan RestartBefore => TimeSpan.FromSeconds(Quick ? 5 : 10);

    /// <summary>Gets the load after the restart command is issued.</summary>
    public TimeSpan RestartAfter => TimeSpan.FromSeconds(Quick ? 10 : 20);

    /// <summary>Gets the steady load before PostgreSQL is stopped.</summary>
    public TimeSpan OutageBefore => TimeSpan.FromSeconds(5);

    /// <summary>Gets how long PostgreSQL stays stopped.</summary>
    public TimeSpan OutageLength => TimeSpan.FromSeconds(Quick ? 10 : 30);

    /// <summary>Gets the load after PostgreSQL is started again.</summary>
    public TimeSpan OutageAfter => TimeSpan.FromSeconds(Quick ? 8 : 15);

    /// <summary>Gets how long the read load runs while the API's backends are killed.</summary>
    public TimeSpan KillDuration => TimeSpan.FromSeconds(Quick ? 10 : 30);

    /// <summary>Gets the pause between two rounds of <c>pg_terminate_backend</c>.</summary>
    public TimeSpan KillInterval => TimeSpan.FromSeconds(2);

    /// <summary>Gets how long the proxy holds each new connection in the connect stall: a cold pooler's connect.</summary>
    public TimeSpan StallDelay => TimeSpan.FromSeconds(15);

    /// <summary>Gets how long new connections stall under the read load.</summary>
    public TimeSpan StallLength => TimeSpan.FromSeconds(Quick ? 20 : 40);

    /// <summary>Gets the read load after the stall ends.</summary>
    public TimeSpan StallAfter => TimeSpan.FromSeconds(Quick ? 5 : 10);

    /// <summary>Gets the bound on every answer while PostgreSQL is down (the "about 1 s").</summary>
    public TimeSpan OutageAnswerBound => TimeSpan.FromSeconds(1);

    /// <summary>Gets the bound on serving again once PostgreSQL accepts connections (the "about 2 s").</summary>
    public TimeSpan RecoveryBound => TimeSpan.FromSeconds(2);

    /// <summary>
    /// Gets the bound on a request during the restart scenario: a request caught by the restart may wait for the
    /// API's retries (3, within 800 ms of its arrival) and then the client's own repeat, so the restart's 2 s recovery
    /// bound is held per request too.
    /// </summary>
    public TimeSpan RestartRequestBound => TimeSpan.FromSeconds(2);

    /// <summary>Gets the bound on a read while backends are killed: one retry on a fresh connection costs milliseconds.</summary>
    public TimeSpan KillRequestBound => TimeSpan.FromSeconds(1);

    /// <summary>Gets the bound on the requests of the steady phases (before a fault): what a healthy service answers within.</summary>
    public TimeSpan SteadyRequestBound => TimeSpan.FromSeconds(1);

    /// <summary>True when <paramref name="args"/> asks for the fault harness.</summary>
    /// <param name="args">The command line.</param>
    public static bool IsInvocation(string[] args) => args.Length > 0 && args[0] == Command;

    /// <summary>Parses the arguments after <see cref="Command"/>.</summary>
    /// <param name="args">The arguments, without the command word.</param>
    /// <param name="repositoryRoot">The repository the default output folder is in.</param>
    public static FaultOptions Parse(IReadOnlyList<string> args, string repositoryRoot)
    {
        var (quick, output) = RunArguments.Parse(args, repositoryRoot, $"{Command} [--quick] [--out folder]");
        return new FaultOptions { Quick = quick, OutputDirectory = output };
    }
}
