using System.Text.RegularExpressions;

namespace Listings.AppHost.Commands;

/// <summary>The API's dashboard commands: what <c>db-info</c> reports, run with the API's own configuration.</summary>
public static partial class ApiCommands
{
    /// <summary>The name of the "Connection plan" command.</summary>
    public const string ConnectionPlanName = "connection-plan";

    /// <summary>The name of the "Pool advice" command.</summary>
    public const string PoolAdviceName = "pool-advice";

    /// <summary>Adds "Connection plan" (<c>db-info</c>) and "Pool advice" (the running API's demand, <c>db-info --service</c>).</summary>
    public static IResourceBuilder<ProjectResource> WithConnectionCommands(this IResourceBuilder<ProjectResource> api)
    {
        var endpoint = api.GetEndpoint("http");

        api.WithCommand(ConnectionPlanName, "Connection plan",
            context => ConnectionPlanAsync(api.Resource, context.Services, context.CancellationToken),
            new CommandOptions
            {
                Description = "What db-info prints: the connection mode, pool size, budget and what the server says",
                IconName = "PlugConnected",
                UpdateState = _ => ResourceCommandState.Enabled,
            });

        return api.WithCommand(PoolAdviceName, "Pool advice",
            context => PoolAdviceAsync(api.Resource, endpoint.Url, context.Services, context.CancellationToken),
            new CommandOptions
            {
                Description = "The pool demand the running API measured and the Maximum Pool Size it recommends",
                IconName = "DataHistogram",
                UpdateState = context => context.ResourceSnapshot.HealthStatus is Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy
                    ? ResourceCommandState.Enabled
                    : ResourceCommandState.Disabled,
            });
    }

    /// <summary>Runs <c>db-info</c> with the API's configuration; succeeds when the plan is safe and the server answers.</summary>
    public static async Task<ExecuteCommandResult> ConnectionPlanAsync(ProjectResource api, IServiceProvider services, CancellationToken cancellationToken)
    {
        var (exitCode, output) = await ApiCommandLine.RunAsync(api, ["db-info"], services, cancellationToken).ConfigureAwait(false);
        var mode = Field(output, "mode") ?? "unknown";
        return exitCode == 0
            ? CommandResults.Success($"Connection plan: {mode}, safe", output, CommandResultFormat.Text, displayImmediately: true)
            : CommandResults.Failure($"Connection plan: NOT SAFE ({Field(output, "error") ?? Field(output, "server") ?? "see the output"})", output, CommandResultFormat.Text);
    }

    /// <summary>Runs <c>db-info --service</c> against the running API; the message is its demand and the advice.</summary>
    public static async Task<ExecuteCommandResult> PoolAdviceAsync(ProjectResource api, string serviceUrl, IServiceProvider services, CancellationToken cancellationToken)
    {
        var (_, output) = await ApiCommandLine.RunAsync(api, ["db-info", "--service", serviceUrl], services, cancellationToken).ConfigureAwait(false);
        return Field(output, "demand") is { } demand && demand.Contains("recommended", StringComparison.Ordinal)
            ? CommandResults.Success($"Pool advice: {demand}", output, CommandResultFormat.Text, displayImmediately: true)
            : CommandResults.Failure($"Pool advice unavailable: {Field(output, "demand") ?? "no demand line"}", output, CommandResultFormat.Text);
    }

    // db-info's text lines are "  <label>  <value>", the label padded to 12.
    private static string? Field(string output, string label) =>
        FieldRegex().Matches(output).FirstOrDefault(match => match.Groups[1].Value == label)?.Groups[2].Value.Trim();

    [GeneratedRegex(@"^\s{2}(\S+)\s+(.+)$", RegexOptions.Multiline)]
    private static partial Regex FieldRegex();
}
