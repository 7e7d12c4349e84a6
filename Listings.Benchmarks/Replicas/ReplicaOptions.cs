using Listings.Benchmarks.Ceiling;

namespace Listings.Benchmarks.Replicas;

/// <summary>The read-replica run's options: <c>replicas [--quick] [--out folder]</c>.</summary>
public sealed class ReplicaOptions : IRunOptions
{
    /// <summary>The command word that selects this run.</summary>
    public const string Command = "replicas";

    /// <summary>Gets a value indicating whether the run is the short one.</summary>
    public bool Quick { get; private init; }

    /// <summary>Gets the folder <c>replicas.md</c> and <c>replicas.json</c> are written to.</summary>
    public string OutputDirectory { get; private init; } = "";

    /// <summary>Gets the folder the processes' logs, <c>wrk</c>'s and pgbench's reports are written to.</summary>
    public string LogDirectory => Path.Combine(OutputDirectory, "logs", "replicas");

    /// <summary>Gets the listings seeded, as the ceiling run seeds.</summary>
    public int SeedCount => 100_000;

    /// <summary>Gets the connection counts <c>wrk</c> holds open, one point each.</summary>
    public IReadOnlyList<int> Connections => Quick ? [64] : [64, 256];

    /// <summary>
    /// Gets the warm-up (the ceiling run's: the API's JIT settles after about 20 s of load), and the rounds: 4 of 10 s per
    /// point (quick: 2 of 3 s), each after an unmeasured lead-in.
    /// </summary>
    public RoundTiming Timing => Quick
        ? new(TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(6), 2, TimeSpan.FromSeconds(2))
        : new(TimeSpan.FromSeconds(40), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(40), 4, TimeSpan.FromSeconds(3));

    /// <summary>Gets <c>ReadReplicas:MaxLagSeconds</c> as the API with the replica runs it (its default).</summary>
    public double MaxLagSeconds => 1;

    /// <summary>Gets <c>ReadReplicas:PollMilliseconds</c>, how often the API reads the replica's lag (its default).</summary>
    public int PollMilliseconds => 100;

    /// <summary>Gets <c>ReadReplicas:CatchUpMilliseconds</c>, how long a read with a token waits for the replica (its default).</summary>
    public int CatchUpMilliseconds => 100;

    /// <summary>Gets the write-then-read pairs with replay running.</summary>
    public int Pairs => Quick ? 200 : 1000;

    /// <summary>Gets the clients sending pairs at once.</summary>
    public int Workers => 8;

    /// <summary>Gets how long new pairs start while the standby's replay is paused.</summary>
    public TimeSpan PausedFor => TimeSpan.FromSeconds(1.5);

    /// <summary>Gets the pause between reads of a write not yet visible.</summary>
    public TimeSpan RepollInterval => TimeSpan.FromMilliseconds(5);

    /// <summary>Gets how long a write not yet visible is read again before it counts as never seen.</summary>
    public TimeSpan RepollLimit => TimeSpan.FromSeconds(2);

    /// <summary>Gets pgbench's connections on each host: the policy's pool for a direct connection.</summary>
    public int PgBenchClients => 20;

    /// <summary>Gets how long pgbench runs on each host.</summary>
    public TimeSpan PgBenchDuration => TimeSpan.FromSeconds(Quick ? 5 : 15);

    /// <summary>True when <paramref name="args"/> selects this run.</summary>
    /// <param name="args">The program's arguments.</param>
    public static bool IsInvocation(string[] args) => args.Length > 0 && args[0] == Command;

    /// <summary>Parses the arguments after <see cref="Command"/>.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="repositoryRoot">The repository the default output folder is in.</param>
    public static ReplicaOptions Parse(IReadOnlyList<string> args, string repositoryRoot)
    {
        var (quick, output) = RunArguments.Parse(args, repositoryRoot, $"{Command} [--quick] [--out folder]");
        return new ReplicaOptions { Quick = quick, OutputDirectory = output };
    }
}
