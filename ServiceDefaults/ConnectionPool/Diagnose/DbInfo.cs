using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// <c>db-info [--json]</c>: prints the effective connection plan from the service's own configuration sources, asks
/// the server about itself when it answers within a few seconds, else names the problem and its fix. Never prints the
/// password. Exits <see cref="ExitCode.Safe"/> (0), <see cref="ExitCode.Unsafe"/> (1) or <see cref="ExitCode.Unreachable"/>
/// (2), so a CI step can check a configuration without network access.
/// </summary>
public static class DbInfoCommand
{
    /// <summary>The command's name, the first argument.</summary>
    public const string Name = "db-info";

    private const string JsonFlag = "--json";
    private const string ServiceOption = "--service";

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>What the exit code says.</summary>
    public enum ExitCode
    {
        /// <summary>The plan is safe and the server answered.</summary>
        Safe = 0,

        /// <summary>The plan is refused or over budget, or the configuration cannot be read.</summary>
        Unsafe = 1,

        /// <summary>The plan is safe, but the server could not be reached (or refused the connection).</summary>
        Unreachable = 2,
    }

    /// <summary>True when the process was started to run this command rather than the service.</summary>
    public static bool IsInvocation(string[] args) => args.Length > 0 && args[0] == Name;

    /// <summary>Runs the command; the other arguments are configuration, as for the service (e.g. <c>--ConnectionPool:Mode=direct</c>).</summary>
    public static async Task<int> RunAsync(string[] args, string connectionName, TextWriter output)
    {
        var json = args.Contains(JsonFlag);
        var serviceUrl = OptionValue(args, ServiceOption);
        var configurationArgs = ConfigurationArguments(args);
        var configuration = WebApplication.CreateBuilder(configurationArgs).Configuration;
        var applicationName = System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name;

        var (connectionString, source) = ConnectionSource.Read(configuration, connectionName);
        var (options, bindingError) = BindOptions(configuration);
        var plan = bindingError is null
            ? ConnectionPlanner.Plan(connectionString, source, options, applicationName: applicationName)
            : new ConnectionPlan { Source = source, Errors = [bindingError] };

        ServerFacts? server = null;
        ConnectionProblem? problem = null;
        FleetConnections? fleet = null;
        if (plan.ConnectionString is not null)
        {
            (server, problem) = await ServerFacts.TryReadAsync(plan, CancellationToken.None);
            if (server is not null && options.ServerMaxConnections is null)
            {
                plan = ConnectionPlanner.Plan(connectionString, source, options, server.MaxConnections, applicationName);
            }

            if (server is not null && plan.ApplicationName is { Length: > 0 })
            {
                fleet = await FleetConnectionMonitor.CountAsync(plan, CancellationToken.None);
            }
        }

        var demand = serviceUrl is null ? null : await ServiceDemand.TryReadAsync(serviceUrl);

        var report = new DbInfoReport(plan, server, problem, fleet, demand);
        await output.WriteLineAsync(json ? ToJson(report) : ToText(report));
        return (int)report.ExitCode;
    }

    // What one run found; safe only when the plan is and the server answers.
    private sealed record DbInfoReport(ConnectionPlan Plan, ServerFacts? Server, ConnectionProblem? Problem, FleetConnections? Fleet, ServiceDemand? Demand)
    {
        public bool Safe => Plan.Safe && Problem is null;

        public ExitCode ExitCode => !Plan.Safe ? ExitCode.Unsafe : Problem is null ? ExitCode.Safe : ExitCode.Unreachable;
    }

    // Everything after the command name but the command's own options is configuration, as for the service.
    private static string[] ConfigurationArguments(string[] args)
    {
        var rest = new List<string>();
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i] == ServiceOption)
            {
                i++;
            }
            else if (args[i] != JsonFlag && !args[i].StartsWith(ServiceOption + "=", StringComparison.Ordinal))
            {
                rest.Add(args[i]);
            }
        }

        return [.. rest];
    }

    private static string? OptionValue(string[] args, string name)
    {
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i].StartsWith(name + "=", StringComparison.Ordinal))
            {
                return args[i][(name.Length + 1)..];
            }

            if (args[i] == name && i + 1 < args.Length)
            {
                return args[i + 1];
            }
        }

        return null;
    }

    private static (ConnectionPoolOptions Options, string? Error) BindOptions(IConfiguration configuration)
    {
        try
        {
            return (configuration.GetSection(ConnectionPoolOptions.SectionName).Get<ConnectionPoolOptions>() ?? new(), null);
        }
        catch (InvalidOperationException error)
        {
            // "Failed to convert configuration value at 'ConnectionPool:MaxPoolSize' to type 'System.Int32'."
            return (new(), error.Message);
        }
    }

    private static string ToJson(DbInfoReport report)
    {
        var document = JsonSerializer.SerializeToNode(report.Plan, JsonOptions)!.AsObject();
        document["safe"] = report.Safe;
        document["exitCode"] = (int)report.ExitCode;
        // db-info is no replica: every connection it counts is held by the running replicas, its peers.
        document["fleet"] = report.Fleet is null ? null : JsonSerializer.SerializeToNode(report.Fleet, JsonOptions);
        document["server"] = report.Server is null ? null : JsonSerializer.SerializeToNode(report.Server, JsonOptions);
        document["serverError"] = report.Problem?.Message;
        document["problem"] = report.Problem is null ? null : JsonSerializer.SerializeToNode(report.Problem, JsonOptions);
        if (report.Demand is { } demand)
        {
            document["demand"] = demand.Demand?.DeepClone();
            document["recommendedMaxPoolSize"] = demand.RecommendedMaxPoolSize;
            document["demandError"] = demand.Failure;
        }

        return document.ToJsonString(JsonOptions);
    }

    private static string ToText(DbInfoReport report)
    {
        var (plan, server, problem, fleet, demand) = report;
        var text = new System.Text.StringBuilder();
        void Line(string label, string? value) => text.AppendLine(CultureInfo.InvariantCulture, $"  {label,-12} {value}");

        text.AppendLine(CultureInfo.InvariantCulture, $"Database connection plan (from {plan.Source})");
        if (plan.Mode is not null)
        {
            Line("mode", $"{plan.ModeName} ({(plan.ModeConfigured ? "set by ConnectionPool:Mode" : "detected from host, port and user")})");
            Line("connection", $"{plan.Host}:{plan.Port}, database {plan.Database ?? "(user's default)"}, user {plan.Username}, SSL Mode {plan.SslMode}");
            Line("pool", $"Maximum Pool Size {plan.MaxPoolSize} (chosen by {KebabCase.Name(plan.MaxPoolSizeChosenBy)}), Minimum Pool Size {plan.MinPoolSize}, Timeout {plan.TimeoutSeconds} s");
            Line("statements", $"Max Auto Prepare {plan.MaxAutoPrepare}, No Reset On Close {plan.NoResetOnClose}");
            Line("limits", $"{plan.Limits?.Describe()} ({KebabCase.Name(plan.LimitsSetBy)}); migrations and seed: {plan.MigrationLimits?.Describe()}");
            Line("gss", $"GSS Encryption Mode {plan.GssEncryptionMode}");
            Line("lifetimes", $"idle {plan.ConnectionIdleLifetimeSeconds} s, lifetime {plan.ConnectionLifetimeSeconds} s, keepalive {plan.KeepAliveSeconds} s");
            Line("budget", $"{plan.Budget?.Describe(plan.MaxPoolSize)}; {plan.MaxReplicas} max + {plan.SurgeReplicas} surge {(plan.SurgeReplicas == 1 ? "replica" : "replicas")}");
            if (server is not null)
            {
                Line("server", $"PostgreSQL {server.Version}, max_connections {server.MaxConnections}, {server.ConnectionsInUse} client connections in use");
                if (fleet is not null)
                {
                    Line("peers", $"the running replicas hold {fleet.Describe()}; {server.ConnectionsInUse} client connections in total");
                }
            }
            else if (problem is not null)
            {
                Line("server", $"no connection ({problem.Name}): {problem.Message}");
                Line("fix", problem.Fix);
            }

            Line("advice", plan.Advice);
            if (demand is not null)
            {
                Line("demand", demand.Failure ?? $"{demand.Describe()}; recommended Maximum Pool Size {demand.RecommendedMaxPoolSize?.ToString(CultureInfo.InvariantCulture) ?? PoolDemand.NotEnoughLoad}");
            }
        }

        if (plan.Rewrite is not null)
        {
            Line("rewritten", plan.Rewrite);
        }

        foreach (var warning in plan.Warnings)
        {
            Line("warning", warning);
        }

        foreach (var error in plan.Errors)
        {
            Line("error", error);
        }

        Line("verdict", report.ExitCode switch
        {
            ExitCode.Safe => "safe",
            ExitCode.Unreachable => "safe plan, but the server could not be reached (exit 2)",
            _ => "NOT SAFE",
        });
        return text.ToString();
    }
}
