using Listings.Api.Data;
using Listings.ServiceDefaults.ConnectionPool;

namespace Listings.Api.Commands;

/// <summary>
/// <c>db-info [--json] [--service &lt;url&gt;]</c>: prints the connection plan the service would run on (<see cref="DbInfo"/>,
/// from the service's planner and configuration), and with <c>--service</c> a running replica's demand. Exits 0 safe and
/// answered, 1 unsafe or unreadable, 2 safe but the server could not be reached.
/// </summary>
public static class DbInfoCommand
{
    /// <summary>The command's name, the first argument.</summary>
    public const string Name = "db-info";

    private const string JsonFlag = "--json";
    private const string ServiceOption = "--service";

    /// <summary>Runs the command with <paramref name="arguments"/>: its options, the rest configuration.</summary>
    public static async Task<int> RunAsync(string[] arguments)
    {
        string? serviceUrl = null;
        var json = false;
        var configurationArguments = new List<string>();
        for (var i = 0; i < arguments.Length; i++)
        {
            if (arguments[i] == JsonFlag)
            {
                json = true;
            }
            else if (arguments[i] == ServiceOption && i + 1 < arguments.Length)
            {
                serviceUrl = arguments[++i];
            }
            else if (arguments[i].StartsWith(ServiceOption + "=", StringComparison.Ordinal))
            {
                serviceUrl = arguments[i][(ServiceOption.Length + 1)..];
            }
            else
            {
                configurationArguments.Add(arguments[i]);
            }
        }

        var configuration = WebApplication.CreateBuilder([.. configurationArguments]).Configuration;
        var applicationName = typeof(DbInfoCommand).Assembly.GetName().Name;
        var report = await DbInfo.ReadAsync(
            configuration, ListingsDataExtensions.ConnectionName, applicationName, serviceUrl, Caching.CacheInvalidationListener.ConnectionsKept(configuration));
        await Console.Out.WriteLineAsync(json ? report.ToJson() : report.ToText());
        return (int)report.ExitCode;
    }
}
