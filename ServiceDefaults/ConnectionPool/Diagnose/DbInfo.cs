using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// What <c>db-info</c> reports: the plan the service would run on (one per host: the primary's, then each read
/// replica's), the connections its replicas hold, and optionally a running service's demand. Never the password.
/// </summary>
/// <param name="Plan">The primary's plan.</param>
/// <param name="Fleet">The connections the replicas hold, or null.</param>
/// <param name="Demand">A running service's demand, or null.</param>
public sealed record DbInfo(ConnectionPlan Plan, FleetConnections? Fleet, ServiceDemand? Demand)
{
    /// <summary>The plan of each read host (<c>ConnectionStrings:&lt;name&gt;-read</c>), empty without one.</summary>
    public IReadOnlyList<ConnectionPlan> ReadHosts { get; init; } = [];

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>The exit code.</summary>
    public enum Verdict
    {
        /// <summary>The plan is safe and the server answered.</summary>
        Safe = 0,

        /// <summary>The plan is refused or over budget, or the configuration cannot be read.</summary>
        Unsafe = 1,

        /// <summary>The plan is safe, but the server could not be reached: a CI step without network access still checks the configuration.</summary>
        Unreachable = 2,
    }

    /// <summary>The verdict.</summary>
    public Verdict ExitCode =>
        !Plan.Safe || ReadHosts.Any(read => !read.Safe) ? Verdict.Unsafe
        : Plan.Problem is null && ReadHosts.All(read => read.Problem is null) ? Verdict.Safe
        : Verdict.Unreachable;

    /// <summary>
    /// Plans the connection as the service does (with its <paramref name="dedicatedConnections"/> beside the pool), counts the
    /// replicas' connections, and asks <paramref name="serviceUrl"/>, if any, for its demand.
    /// </summary>
    public static async Task<DbInfo> ReadAsync(IConfiguration configuration, string connectionName, string? applicationName, string? serviceUrl, int dedicatedConnections = 0)
    {
        var plan = await ConnectionPlanner.PlanAsync(configuration, connectionName, applicationName, dedicatedConnections);
        FleetConnections? fleet = null;
        if (plan is { Server: not null, ConnectionString: not null, ApplicationName.Length: > 0 })
        {
            // Counted over a connection of its own name: db-info is no replica.
            await using var dataSource = NpgsqlDataSource.Create(ServerFacts.OneShot(plan.ConnectionString, plan.ApplicationName + " db-info"));
            fleet = await FleetConnectionMonitor.CountAsync(dataSource, plan, CancellationToken.None);
        }

        var readHosts = await ReadHostPlanner.PlanAsync(configuration, connectionName, applicationName);
        var demand = serviceUrl is null ? null : await ServiceDemand.TryReadAsync(serviceUrl);
        return new DbInfo(plan, fleet, demand) { ReadHosts = readHosts };
    }

    /// <summary>The report as JSON.</summary>
    public string ToJson()
    {
        var document = JsonSerializer.SerializeToNode(Plan, JsonOptions)!.AsObject();
        document["exitCode"] = (int)ExitCode;
        document["readHosts"] = new JsonArray([.. ReadHosts.Select(read => JsonSerializer.SerializeToNode(read, JsonOptions))]);
        document["fleet"] = Fleet is null ? null : JsonSerializer.SerializeToNode(Fleet, JsonOptions);
        if (Demand is { } demand)
        {
            document["demand"] = demand.Demand?.DeepClone();
            document["recommendedMaxPoolSize"] = demand.RecommendedMaxPoolSize;
            document["demandError"] = demand.Failure;
        }

        return document.ToJsonString(JsonOptions);
    }

    /// <summary>The report as text.</summary>
    public string ToText()
    {
        var text = new StringBuilder();
        Describe(text, Plan, Fleet, Demand);
        foreach (var read in ReadHosts)
        {
            text.AppendLine();
            Describe(text, read, null, null);
        }

        var verdict = ExitCode switch
        {
            Verdict.Safe => "safe",
            Verdict.Unreachable => "safe plan, but the server could not be reached (exit 2)",
            _ => "NOT SAFE",
        };
        text.Append("  verdict      ").AppendLine(verdict);
        return text.ToString();
    }

    private static void Describe(StringBuilder text, ConnectionPlan plan, FleetConnections? fleet, ServiceDemand? serviceDemand)
    {
        void Line(string label, string? value) => text.AppendLine(CultureInfo.InvariantCulture, $"  {label,-12} {value}");

        text.Append(plan.Role == ConnectionRole.Primary ? "Database" : "Read replica").Append(" connection plan (from ").Append(plan.Source).AppendLine(")");
        if (plan.Mode is { } mode)
        {
            Line("mode", $"{mode.ToName()} ({(plan.ModeConfigured ? plan.Role == ConnectionRole.Primary ? "set by ConnectionPool:Mode" : "set by ReadReplicas:Mode" : "detected from host, port and user")})");
            Line("connection", $"{plan.Host}:{plan.Port}, database {plan.Database ?? "(user's default)"}, user {plan.Username}, SSL Mode {plan.SslMode}");
            Line("pool", $"Maximum Pool Size {plan.MaxPoolSize} (chosen by {KebabCase.Name(plan.MaxPoolSizeChosenBy)}), Minimum Pool Size {plan.MinPoolSize}, Timeout {plan.TimeoutSeconds} s"
                + (plan.DedicatedConnections > 0 ? $"; {plan.DedicatedConnections} more kept beside it" : ""));
            Line("statements", $"Max Auto Prepare {plan.MaxAutoPrepare}, No Reset On Close {plan.NoResetOnClose}");
            Line("limits", $"{plan.Limits?.Describe()} ({KebabCase.Name(plan.LimitsSetBy)}); migrations and seed: {plan.MigrationLimits?.Describe()}");
            Line("gss", $"GSS Encryption Mode {plan.GssEncryptionMode}");
            Line("lifetimes", $"idle {plan.ConnectionIdleLifetimeSeconds} s, lifetime {plan.ConnectionLifetimeSeconds} s, keepalive {plan.KeepAliveSeconds} s");
            Line("budget", $"{plan.Budget?.Describe(plan.ConnectionsPerReplica)}; {plan.MaxReplicas} max + {plan.SurgeReplicas} surge {(plan.SurgeReplicas == 1 ? "replica" : "replicas")}");
            if (plan.Server is { } server)
            {
                Line("server", $"PostgreSQL {server.Version}, max_connections {server.MaxConnections}, {server.ConnectionsInUse} client connections in use");
                if (fleet is not null)
                {
                    Line("peers", $"the running replicas hold {fleet.Describe()}; {server.ConnectionsInUse} client connections in total");
                }
            }
            else if (plan.Problem is { } problem)
            {
                Line("server", $"no connection ({problem.Name}): {problem.Message}");
                Line("fix", problem.Fix);
            }

            Line("advice", plan.Advice);
            if (serviceDemand is { } demand)
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
    }
}
