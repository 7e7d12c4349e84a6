namespace Listings.Api.Commands;

/// <summary>
/// The API's command-line modes, chosen by the first argument: <c>db-info</c>, <c>migrate</c> and <c>token</c>. Each runs
/// and exits instead of serving; the arguments after the name are its options and configuration, as for the service.
/// </summary>
public static class ApiCommands
{
    private static readonly Dictionary<string, Func<string[], Task<int>>> Commands = new(StringComparer.Ordinal)
    {
        [DbInfoCommand.Name] = DbInfoCommand.RunAsync,
        [MigrateCommand.Name] = MigrateCommand.RunAsync,
        [TokenCommand.Name] = TokenCommand.RunAsync,
    };

    /// <summary>Runs the command <paramref name="args"/> names and returns its exit code; null when they name none (serve).</summary>
    public static async Task<int?> TryRunAsync(string[] args) =>
        args is [var name, ..] && Commands.TryGetValue(name, out var run) ? await run(args[1..]) : null;
}
