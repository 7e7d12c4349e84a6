using Microsoft.Extensions.Configuration;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// The <c>ConnectionPool</c> settings, one class per concern, all bound from the one flat section. Each default is
/// written once, on its property.
/// </summary>
public sealed class ConnectionPoolOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "ConnectionPool";

    /// <summary>The connection mode and the pool's own settings.</summary>
    public PoolOptions Pool { get; init; } = new();

    /// <summary>The budget of server connections all replicas share.</summary>
    public BudgetOptions Budget { get; init; } = new();

    /// <summary>The bounds on a connection's work.</summary>
    public WorkLimitOptions WorkLimits { get; init; } = new();

    /// <summary>The pause after a refused login.</summary>
    public LoginBackoffOptions Logins { get; init; } = new();

    /// <summary>The parts, in the order the README lists them.</summary>
    internal IEnumerable<object> Parts => [Pool, Budget, WorkLimits, Logins];

    /// <summary>The keys the section may hold.</summary>
    internal static IEnumerable<string> Keys =>
        new[] { typeof(PoolOptions), typeof(BudgetOptions), typeof(WorkLimitOptions), typeof(LoginBackoffOptions) }
            .SelectMany(part => part.GetProperties().Where(property => property.CanWrite).Select(property => property.Name));

    /// <summary>Binds every part from the <c>ConnectionPool</c> section.</summary>
    /// <exception cref="ConnectionPlanException">A key is unknown or a value is not of its type.</exception>
    public static ConnectionPoolOptions Bind(IConfiguration configuration)
    {
        var section = configuration.GetSection(SectionName);
        var known = Keys.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var unknown = section.GetChildren().Select(child => child.Key).Where(key => !known.Contains(key)).ToList();
        if (unknown.Count > 0)
        {
            throw new ConnectionPlanException(unknown.Select(key =>
                $"{SectionName}:{key} is not a setting: check its spelling against the pool README's settings table (ServiceDefaults/ConnectionPool/README.md)."));
        }

        try
        {
            return new ConnectionPoolOptions
            {
                Pool = section.Get<PoolOptions>() ?? new(),
                Budget = section.Get<BudgetOptions>() ?? new(),
                WorkLimits = section.Get<WorkLimitOptions>() ?? new(),
                Logins = section.Get<LoginBackoffOptions>() ?? new(),
            };
        }
        catch (InvalidOperationException error)
        {
            // "Failed to convert configuration value at 'ConnectionPool:MaxPoolSize' to type ...": the key, not the value.
            throw new ConnectionPlanException([$"{error.Message} Write a number (or true/false) there, or remove the setting."]);
        }
    }
}
