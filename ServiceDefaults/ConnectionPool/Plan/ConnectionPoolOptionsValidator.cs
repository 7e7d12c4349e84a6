using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>Checks each <see cref="RangeAttribute"/> and the rules between settings; every message names the key.</summary>
public sealed class ConnectionPoolOptionsValidator() : SettingsValidator<ConnectionPoolOptions>(Check)
{
    private const string Section = ConnectionPoolOptions.SectionName;

    /// <summary>The problems with <paramref name="options"/>, empty when there are none.</summary>
    public static List<string> Check(ConnectionPoolOptions options)
    {
        var failures = new List<string>();
        var (pool, budget, logins) = (options.Pool, options.Budget, options.Logins);

        if (pool.Mode is not null && !ConnectionModeNames.TryParse(pool.Mode, out _))
        {
            failures.Add($"{Section}:Mode is '{pool.Mode}': use direct, session-pooler, transaction-pooler or dedicated-pooler, or leave it unset to detect the mode.");
        }

        if (!string.Equals(pool.PreferredMode, SupabaseModeSwitch.Keep, StringComparison.OrdinalIgnoreCase)
            && !(ConnectionModeNames.TryParse(pool.PreferredMode, out var preferred) && preferred is ConnectionMode.Direct or ConnectionMode.SessionPooler))
        {
            failures.Add($"{Section}:PreferredMode is '{pool.PreferredMode}': use keep, session-pooler or direct.");
        }

        foreach (var part in options.Parts)
        {
            failures.AddRange(OutOfRange(Section, part));
        }

        if (budget.BudgetFraction is { } fraction && (double.IsNaN(fraction) || fraction is <= 0 or > 1))
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture,
                $"{Section}:BudgetFraction is {fraction}: use a share above 0 and at most 1, e.g. 0.33 (a third) or 0.4."));
        }

        if (pool.MaxPoolSize is { } max && pool.MinPoolSize > max)
        {
            failures.Add($"{Section}:MinPoolSize ({pool.MinPoolSize}) is above {Section}:MaxPoolSize ({max}): lower it.");
        }

        if (logins.LoginBackoffMaxSeconds < logins.LoginBackoffSeconds)
        {
            failures.Add($"{Section}:LoginBackoffMaxSeconds ({logins.LoginBackoffMaxSeconds}) is below {Section}:LoginBackoffSeconds ({logins.LoginBackoffSeconds}): raise it.");
        }

        if (budget.MaxReplicas is { } maxReplicas && maxReplicas < budget.Replicas)
        {
            failures.Add($"{Section}:MaxReplicas ({maxReplicas}) is below {Section}:Replicas ({budget.Replicas}): raise it, or leave it unset to use Replicas.");
        }

        return failures;
    }

    /// <summary>The whole-number range of a setting's <see cref="RangeAttribute"/>, or null.</summary>
    public static (int Min, int Max)? RangeOf(PropertyInfo property) =>
        property.GetCustomAttribute<RangeAttribute>() is { OperandType: var type } range && type == typeof(int)
            ? ((int)range.Minimum, (int)range.Maximum)
            : null;

    /// <summary>
    /// A message for each property of <paramref name="part"/> outside its <see cref="RangeAttribute"/>, naming
    /// <c><paramref name="section"/>:Key</c>; used by every settings class of the pool policy.
    /// </summary>
    internal static IEnumerable<string> OutOfRange(string section, object part)
    {
        foreach (var property in part.GetType().GetProperties())
        {
            if (property.GetCustomAttribute<RangeAttribute>() is { } range && property.GetValue(part) is { } value && !range.IsValid(value))
            {
                yield return range.OperandType == typeof(int)
                    ? $"{section}:{property.Name} is {value}: use a whole number from {range.Minimum} to {range.Maximum}."
                    : string.Create(CultureInfo.InvariantCulture, $"{section}:{property.Name} is {value}: use a value from {range.Minimum} to {range.Maximum}.");
            }
        }
    }
}
