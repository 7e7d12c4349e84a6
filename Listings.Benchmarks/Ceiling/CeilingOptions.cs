namespace Listings.Benchmarks.Ceiling;

/// <summary>The ceiling run's options: <c>ceiling [--quick] [--out folder]</c>.</summary>
public sealed class CeilingOptions : IRunOptions
{
    /// <summary>The command word that selects this run.</summary>
    public const string Command = "ceiling";

    /// <summary>Gets a value indicating whether the run is the short one.</summary>
    public bool Quick { get; private init; }

    /// <summary>Gets the folder <c>ceiling.md</c>, <c>ceiling.json</c> and the chart are written to.</summary>
    public string OutputDirectory { get; private init; } = "";

    /// <summary>Gets the folder the processes' logs are written to.</summary>
    public string LogDirectory => Path.Combine(OutputDirectory, "logs", "ceiling");

    /// <summary>Gets the listings seeded.</summary>
    public int SeedCount => 100_000;

    /// <summary>Gets the connection counts <c>wrk</c> holds open, one measurement each.</summary>
    public IReadOnlyList<int> Connections { get; } = [20, 64, 256, 1000];

    /// <summary>Gets the warm-up, the rounds and the lead-in every point and the sweep are measured with.</summary>
    public RoundTiming Timing => RoundTiming.For(Quick);

    /// <summary>Gets how long <c>wrk</c> runs at each connection count, in all rounds together.</summary>
    public TimeSpan PointDuration => Timing.PointDuration;

    /// <summary>
    /// Gets the rounds each point is measured in: the settings take turns, in the reverse order every other round (see
    /// <see cref="CeilingRun"/>), so a machine that drifts during the run weighs on every setting alike.
    /// </summary>
    public int Rounds => Timing.Rounds;

    /// <summary>Gets the unmeasured load before each round, so a process that sat idle meets the load before it counts.</summary>
    public TimeSpan LeadIn => Timing.LeadIn;

    /// <summary>
    /// Gets how long the API runs alone at 1,000 connections before the measured part of the advice step (see
    /// <see cref="AdviceDuration"/>).
    /// </summary>
    public TimeSpan AdviceLeadIn => TimeSpan.FromSeconds(Quick ? 0 : 15);

    /// <summary>
    /// Gets how long the advice step is measured; <c>/health</c>'s pool advice is read near its end, after
    /// <see cref="AdviceLeadIn"/> + 90 % of this: in the full run more than its 60 s demand window, so the window holds
    /// that load only.
    /// </summary>
    public TimeSpan AdviceDuration => TimeSpan.FromSeconds(Quick ? 20 : 55);

    /// <summary>Gets how long every process sits idle before the burst.</summary>
    public TimeSpan IdleBeforeBurst => TimeSpan.FromSeconds(Quick ? 15 : 40);

    /// <summary>Gets the connections of the burst after idleness.</summary>
    public int BurstConnections => 256;

    /// <summary>Gets how long the burst after idleness runs.</summary>
    public TimeSpan BurstDuration => TimeSpan.FromSeconds(5);

    /// <summary>Gets how long each fresh process is loaded before it is measured (see <see cref="WarmUp"/>).</summary>
    public TimeSpan WarmUpDuration => Timing.WarmUp;

    /// <summary>Gets the window the warm-up's CPU per request is logged for.</summary>
    public TimeSpan WarmUpWindow => Timing.WarmUpWindow;

    /// <summary>Gets the clients of the storm that honours <c>Retry-After</c>.</summary>
    public int RetryStormClients => Quick ? 300 : 1000;

    /// <summary>
    /// Gets the pool sizes of the sweep that finds the knee: fine below 8, where the knee of a CPU-bound host lies (a knee
    /// at the smallest size measured would say only that it is there or lower), and up to twice the default.
    /// </summary>
    public IReadOnlyList<int> SweepPoolSizes { get; } = [2, 3, 4, 6, 8, 12, 16, 32];

    /// <summary>Gets the connections <c>wrk</c> holds open during the sweep.</summary>
    public int SweepConnections => 256;

    /// <summary>Gets how long each sweep point runs, in all rounds together (the sweep is measured as the points are).</summary>
    public TimeSpan SweepDuration => Timing.PointDuration;

    /// <summary>Gets pgbench's connections: the policy's pool for a direct connection.</summary>
    public int PgBenchClients => 20;

    /// <summary>True when <paramref name="args"/> selects this run.</summary>
    public static bool IsInvocation(string[] args) => args.Length > 0 && args[0] == Command;

    /// <summary>Parses the arguments after <see cref="Command"/>.</summary>
    public static CeilingOptions Parse(IReadOnlyList<string> args, string repositoryRoot)
    {
        var (quick, output) = RunArguments.Parse(args, repositoryRoot, $"{Command} [--quick] [--out folder]");
        return new CeilingOptions { Quick = quick, OutputDirectory = output };
    }
}
