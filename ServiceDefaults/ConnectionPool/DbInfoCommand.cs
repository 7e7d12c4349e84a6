using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// <c>db-info [--json]</c>: prints the effective connection plan from the service's own configuration sources, asks
/// the server about itself when it answers within a few seconds, and exits 0 when the plan is safe, 1 when it is not
/// (refused, over budget, unreadable connection). Never prints the password.
/// </summary>
public static class DbInfoCommand
{
    /// <summary>The command's name, the first argument.</summary>
    public const string Name = "db-info";

    private const string JsonFlag = "--json";
    private const string ServiceOption = "--service";

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

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
        string? serverFailure = null;
        if (plan.ConnectionString is not null)
        {
            (server, serverFailure) = await ServerFacts.TryReadAsync(plan.ConnectionString, CancellationToken.None);
            if (server is not null && options.ServerMaxConnections is null)
            {
                plan = ConnectionPlanner.Plan(connectionString, source, options, server.MaxConnections, applicationName);
            }
        }

        var demand = serviceUrl is null ? null : await ServiceDemand.TryReadAsync(serviceUrl);

        await output.WriteLineAsync(json ? ToJson(plan, server, serverFailure, demand) : ToText(plan, server, serverFailure, demand));
        return plan.Safe ? 0 : 1;
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

    private static string ToJson(ConnectionPlan plan, ServerFacts? server, string? serverFailure, ServiceDemand? demand)
    {
        var document = JsonSerializer.SerializeToNode(plan, JsonOptions)!.AsObject();
        document["server"] = server is null ? null : JsonSerializer.SerializeToNode(server, JsonOptions);
        document["serverError"] = serverFailure;
        if (demand is not null)
        {
            document["demand"] = demand.Demand?.DeepClone();
            document["recommendedMaxPoolSize"] = demand.RecommendedMaxPoolSize;
            document["demandError"] = demand.Failure;
        }

        return document.ToJsonString(JsonOptions);
    }

    private static string ToText(ConnectionPlan plan, ServerFacts? server, string? serverFailure, ServiceDemand? demand)
    {
        var text = new System.Text.StringBuilder();
        void Line(string label, string? value) => text.AppendLine(CultureInfo.InvariantCulture, $"  {label,-12} {value}");

        text.AppendLine(CultureInfo.InvariantCulture, $"Database connection plan (from {plan.Source})");
        if (plan.Mode is not null)
        {
            Line("mode", $"{plan.ModeName} ({(plan.ModeConfigured ? "set by ConnectionPool:Mode" : "detected from host, port and user")})");
            Line("connection", $"{plan.Host}:{plan.Port}, database {plan.Database ?? "(user's default)"}, user {plan.Username}, SSL Mode {plan.SslMode}");
            Line("pool", $"Maximum Pool Size {plan.MaxPoolSize}, Minimum Pool Size {plan.MinPoolSize}, Timeout {plan.TimeoutSeconds} s");
            Line("statements", $"Max Auto Prepare {plan.MaxAutoPrepare}, No Reset On Close {plan.NoResetOnClose}");
            Line("lifetimes", $"idle {plan.ConnectionIdleLifetimeSeconds} s, lifetime {plan.ConnectionLifetimeSeconds} s, keepalive {plan.KeepAliveSeconds} s");
            Line("budget", plan.Budget?.Describe(plan.MaxPoolSize));
            Line("server", server is null
                ? $"did not answer ({serverFailure})"
                : $"PostgreSQL {server.Version}, max_connections {server.MaxConnections}, {server.ConnectionsInUse} client connections in use");
            Line("advice", plan.Advice);
            if (demand is not null)
            {
                Line("demand", demand.Failure ?? $"{demand.Describe()}; recommended Maximum Pool Size {demand.RecommendedMaxPoolSize}");
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

        Line("verdict", plan.Safe ? "safe" : "NOT SAFE");
        return text.ToString();
    }
}
