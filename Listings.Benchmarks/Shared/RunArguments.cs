namespace Listings.Benchmarks;

/// <summary>The command line both runs take: <c>[--quick] [--out folder]</c>.</summary>
/// <param name="Quick">True for the short run.</param>
/// <param name="OutputDirectory">
/// The full path of <c>--out</c> (relative to the current folder), else <c>benchmarks/results</c> of the repository.
/// </param>
public sealed record RunArguments(bool Quick, string OutputDirectory)
{
    /// <summary>Parses <paramref name="args"/>; an unknown argument is an <see cref="ArgumentException"/> showing <paramref name="usage"/>.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="repositoryRoot">The repository the default output folder is in.</param>
    /// <param name="usage">The usage line, e.g. <c>[--quick] [--out folder]</c>.</param>
    public static RunArguments Parse(IReadOnlyList<string> args, string repositoryRoot, string usage)
    {
        var quick = false;
        var output = Path.Combine(repositoryRoot, "benchmarks", "results");
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    quick = true;
                    break;
                case "--out" when i + 1 < args.Count:
                    output = args[++i];
                    break;
                default:
                    throw new ArgumentException($"Unknown argument '{args[i]}'. Usage: {usage}");
            }
        }

        return new RunArguments(quick, Path.GetFullPath(output));
    }

    /// <summary>Runs <paramref name="parse"/>; a usage error is written to standard error and gives null.</summary>
    /// <typeparam name="TOptions">The run's options.</typeparam>
    /// <param name="parse">Parses the command line, throwing <see cref="ArgumentException"/> on a usage error.</param>
    public static TOptions? ParseOrExplain<TOptions>(Func<TOptions> parse)
        where TOptions : class
    {
        try
        {
            return parse();
        }
        catch (ArgumentException exception)
        {
            Console.Error.WriteLine(exception.Message);
            return null;
        }
    }
}
