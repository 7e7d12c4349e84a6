using Listings.ServiceDefaults;

namespace Listings.Api.Data;

/// <summary>Checks <see cref="DatabaseRetryOptions"/>; every message names the key and what would be right.</summary>
public sealed class DatabaseRetryOptionsValidator() : SettingsValidator<DatabaseRetryOptions>(Check)
{
    private const string Section = DatabaseRetryOptions.SectionName;

    /// <summary>The problems with <paramref name="options"/>, each naming its key; empty when there are none.</summary>
    public static List<string> Check(DatabaseRetryOptions options)
    {
        var failures = new List<string>();
        if (options.MaxRetryCount is < 0 or > 20)
        {
            failures.Add($"{Section}:MaxRetryCount is {options.MaxRetryCount}: use 0 (no retries) to 20.");
        }

        if (options.FirstRetryDelayMilliseconds is < 0 or > 10_000)
        {
            failures.Add($"{Section}:FirstRetryDelayMilliseconds is {options.FirstRetryDelayMilliseconds}: use 0 to 10000.");
        }

        if (options.MaxRetryDelaySeconds is < 1 or > 300)
        {
            failures.Add($"{Section}:MaxRetryDelaySeconds is {options.MaxRetryDelaySeconds}: use 1 to 300.");
        }

        if (options.RetryBudgetMilliseconds is < 0 or > 600_000)
        {
            failures.Add($"{Section}:RetryBudgetMilliseconds is {options.RetryBudgetMilliseconds}: use 0 (EF Core's schedule, no budget) to 600000.");
        }

        return failures;
    }
}
