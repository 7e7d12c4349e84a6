using System.Globalization;
using Listings.ServiceDefaults.ConnectionPool;
using Microsoft.Extensions.Configuration;

namespace Listings.Tests.Unit.ConnectionPool;

/// <summary>Plans made as the service makes them, from flat <c>ConnectionPool:*</c> settings and what a server would answer.</summary>
internal static class TestPlans
{
    /// <summary>The settings as configuration gives them (<c>ConnectionPool:MaxPoolSize</c>, ...), bound the one way the service binds them; nulls are left out.</summary>
    public static ConnectionPoolOptions Options(params (string Key, object? Value)[] settings) =>
        ConnectionPoolOptions.Bind(new ConfigurationBuilder()
            .AddInMemoryCollection(settings
                .Where(setting => setting.Value is not null)
                .Select(setting => KeyValuePair.Create($"{ConnectionPoolOptions.SectionName}:{setting.Key}", Convert.ToString(setting.Value, CultureInfo.InvariantCulture))))
            .Build());

    /// <summary>
    /// Plans <paramref name="connectionString"/>; with <paramref name="serverMaxConnections"/> as if a server with that
    /// <c>max_connections</c> answered at start (and any prepared-statement probe succeeded), else as if none did.
    /// </summary>
    public static ConnectionPlan Plan(
        string? connectionString, ConnectionPoolOptions? options = null, int? serverMaxConnections = null, string source = SupabaseConnections.Source,
        string? applicationName = null, bool? kerberosConfigured = null)
    {
        options ??= new ConnectionPoolOptions();
        if (serverMaxConnections is not { } max
            || ConnectionPoolOptionsValidator.Check(options).Count > 0
            || !ConnectionTarget.TryRead(connectionString, source, options.Pool.Mode, options.Pool.PreferredMode, applicationName, kerberosConfigured, out var target, out _))
        {
            return ConnectionPlanner.Plan(connectionString, source, options, applicationName, kerberosConfigured);
        }

        return ConnectionPlanner.Plan(target!, options, new ServerSurvey(new ServerFacts("15.18", max, 1), null, null));
    }
}
