using System.Globalization;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// Plans the read hosts of <c>ConnectionStrings:&lt;name&gt;-read</c>: one host or several in Npgsql's multi-host syntax
/// (<c>Host=a:5433,b:5434</c> or <c>Host=a,b;Port=5433</c>), each planned by <see cref="ConnectionPlanner"/> like the
/// primary: its own mode (detected, or <c>ReadReplicas:Mode</c>), its own server's <c>max_connections</c> and budget.
/// </summary>
public static class ReadHostPlanner
{
    /// <summary>What the read connection's name adds to the primary's.</summary>
    public const string NameSuffix = "-read";

    // Npgsql's multi-host keywords choose among hosts by their state; the read router chooses by lag and replay position
    // (ServiceDefaults/ConnectionPool/README.md, "Read replicas"), so each host's own connection string drops them.
    private static readonly string[] MultiHostKeywords = ["Load Balance Hosts", "Target Session Attributes", "Host Recheck Seconds"];

    /// <summary>The read connection's name for the primary's <paramref name="connectionName"/>.</summary>
    public static string ConnectionName(string connectionName) => connectionName + NameSuffix;

    /// <summary>
    /// One plan per read host, each after asking its server; empty when no read connection is configured. A plan with
    /// errors stands for a setting that cannot be read.
    /// </summary>
    public static async Task<IReadOnlyList<ConnectionPlan>> PlanAsync(
        IConfiguration configuration, string connectionName, string? applicationName, CancellationToken cancellationToken = default)
    {
        var name = ConnectionName(connectionName);
        var source = $"ConnectionStrings:{name}";
        if (configuration.GetConnectionString(name) is not { Length: > 0 } value)
        {
            return [];
        }

        ConnectionPoolOptions options;
        ReadReplicaOptions replicas;
        try
        {
            options = ConnectionPoolOptions.Bind(configuration);
            replicas = ReadReplicaOptions.Bind(configuration);
        }
        catch (ConnectionPlanException error)
        {
            return [Refused(source, error.Reasons)];
        }

        if (ConnectionPoolOptionsValidator.Check(options) is { Count: > 0 } optionErrors)
        {
            return [Refused(source, optionErrors)];
        }

        if (!TrySplit(value, source, out var hosts, out var splitError))
        {
            return [Refused(source, [splitError!])];
        }

        return await Task.WhenAll(hosts.Select(async (host, i) =>
        {
            var hostSource = hosts.Count == 1 ? source : string.Create(CultureInfo.InvariantCulture, $"{source} (host {i + 1} of {hosts.Count})");
            if (!ConnectionTarget.TryRead(host, hostSource, replicas.Mode, SupabaseModeSwitch.Keep, applicationName, null, out var target, out var error))
            {
                return Refused(hostSource, [error!]);
            }

            var survey = await ServerSurvey.ReadAsync(target!, ConnectionPlanner.NeedsProbe(target!, options), cancellationToken);
            return ConnectionPlanner.Plan(target!, options, survey) with { Role = ConnectionRole.ReadReplica };
        }));
    }

    /// <summary>
    /// Splits <paramref name="value"/> into one connection string per host, each with every other keyword of the original;
    /// false, with the reason and its fix, when it cannot be read.
    /// </summary>
    public static bool TrySplit(string value, string source, out IReadOnlyList<string> hosts, out string? error)
    {
        hosts = [];
        error = null;
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = DatabaseConnectionString.Parse(value, source);
        }
        catch (ConnectionStringFormatException formatError)
        {
            error = formatError.Message;
            return false;
        }

        if (string.IsNullOrWhiteSpace(builder.Host))
        {
            error = $"{source} names no host: write Host=replica-host (several: Host=a:5432,b:5432).";
            return false;
        }

        var split = new List<string>();
        foreach (var entry in builder.Host.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var host = new NpgsqlConnectionStringBuilder(builder.ConnectionString);
            foreach (var keyword in MultiHostKeywords)
            {
                host.Remove(keyword);
            }

            // host:port, except an IPv6 address without brackets (more than one colon).
            var colon = entry.LastIndexOf(':');
            if (colon > 0 && entry.IndexOf(':') == colon)
            {
                if (!int.TryParse(entry[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
                {
                    error = $"{source} has host '{entry}' with a port that is not a number from 1 to 65535: write Host=host:5432,other:5432.";
                    return false;
                }

                host.Host = entry[..colon];
                host.Port = port;
            }
            else
            {
                host.Host = entry.Trim('[', ']');
            }

            split.Add(host.ConnectionString);
        }

        hosts = split;
        return true;
    }

    private static ConnectionPlan Refused(string source, IReadOnlyList<string> errors) =>
        new() { Role = ConnectionRole.ReadReplica, Source = source, Errors = errors };
}
