using Listings.Benchmarks.Ceiling;

namespace Listings.Benchmarks.Compare;

/// <summary>
/// The compare run's options: <c>compare --baseline ref [--candidate ref] [--baseline-env KEY=VALUE]...
/// [--candidate-env KEY=VALUE]... [--quick] [--out folder]</c>.
/// </summary>
public sealed class CompareOptions : IRunOptions
{
    /// <summary>The command word that selects this run.</summary>
    public const string Command = "compare";

    /// <summary>The command line, for a usage error.</summary>
    public const string Usage =
        $"{Command} --baseline <git-ref> [--candidate <git-ref>] [--baseline-env KEY=VALUE]... [--candidate-env KEY=VALUE]... [--quick] [--out folder]";

    /// <summary>Gets a value indicating whether the run is the short one.</summary>
    public bool Quick { get; private init; }

    /// <summary>Gets the folder <c>compare.md</c> and <c>compare.json</c> are written to.</summary>
    public string OutputDirectory { get; private init; } = "";

    /// <summary>Gets the folder the processes' logs and <c>wrk</c>'s reports are written to.</summary>
    public string LogDirectory => Path.Combine(OutputDirectory, "logs", "compare");

    /// <summary>Gets the git ref of the baseline build of <c>Listings.Api</c>.</summary>
    public string BaselineRef { get; private init; } = "";

    /// <summary>Gets the git ref of the candidate build of <c>Listings.Api</c> (and of the raw endpoint): <c>HEAD</c> unless given.</summary>
    public string CandidateRef { get; private init; } = "HEAD";

    /// <summary>Gets the baseline's extra environment variables (<c>--baseline-env</c>), set after the run's own.</summary>
    public IReadOnlyDictionary<string, string> BaselineEnvironment { get; private init; } = new Dictionary<string, string>();

    /// <summary>Gets the candidate's extra environment variables (<c>--candidate-env</c>), set after the run's own.</summary>
    public IReadOnlyDictionary<string, string> CandidateEnvironment { get; private init; } = new Dictionary<string, string>();

    /// <summary>Gets the listings seeded.</summary>
    public int SeedCount => 100_000;

    /// <summary>Gets the connection counts <c>wrk</c> holds open, one point each.</summary>
    public IReadOnlyList<int> Connections { get; } = [64, 1000];

    /// <summary>Gets the warm-up, the rounds and the lead-in: the ceiling run's (see <see cref="RoundTiming"/>).</summary>
    public RoundTiming Timing => RoundTiming.For(Quick);

    /// <summary>True when <paramref name="args"/> selects this run.</summary>
    /// <param name="args">The program's arguments.</param>
    public static bool IsInvocation(string[] args) => args.Length > 0 && args[0] == Command;

    /// <summary>Parses the arguments after <see cref="Command"/>; a usage error is an <see cref="ArgumentException"/>.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="repositoryRoot">The repository the default output folder is in.</param>
    public static CompareOptions Parse(IReadOnlyList<string> args, string repositoryRoot)
    {
        string? baseline = null;
        var candidate = "HEAD";
        var baselineEnvironment = new Dictionary<string, string>();
        var candidateEnvironment = new Dictionary<string, string>();
        var common = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--baseline" when i + 1 < args.Count:
                    baseline = args[++i];
                    break;
                case "--candidate" when i + 1 < args.Count:
                    candidate = args[++i];
                    break;
                case "--baseline-env" when i + 1 < args.Count:
                    AddVariable(baselineEnvironment, args[++i]);
                    break;
                case "--candidate-env" when i + 1 < args.Count:
                    AddVariable(candidateEnvironment, args[++i]);
                    break;
                default:
                    // --quick and --out, as every run takes them; RunArguments refuses anything else.
                    common.Add(args[i]);
                    break;
            }
        }

        var (quick, output) = RunArguments.Parse(common, repositoryRoot, Usage);
        if (string.IsNullOrWhiteSpace(baseline) || string.IsNullOrWhiteSpace(candidate))
        {
            throw new ArgumentException($"--baseline needs a git ref. Usage: {Usage}");
        }

        return new CompareOptions
        {
            Quick = quick,
            OutputDirectory = output,
            BaselineRef = baseline,
            CandidateRef = candidate,
            BaselineEnvironment = baselineEnvironment,
            CandidateEnvironment = candidateEnvironment,
        };
    }

    private static void AddVariable(Dictionary<string, string> environment, string assignment)
    {
        var equals = assignment.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            throw new ArgumentException($"'{assignment}' is not KEY=VALUE. Usage: {Usage}");
        }

        environment[assignment[..equals]] = assignment[(equals + 1)..];
    }
}
