namespace Listings.ServiceDefaults.Health;

/// <summary>Checks <see cref="DrainOptions"/>; every message names the key and what would be right.</summary>
public sealed class DrainOptionsValidator() : SettingsValidator<DrainOptions>(Check)
{
    private const string Section = DrainOptions.SectionName;

    /// <summary>The problems with <paramref name="options"/>, empty when there are none.</summary>
    public static List<string> Check(DrainOptions options)
    {
        var failures = new List<string>();
        if (options.GracePeriodSeconds is < 0 or > 300)
        {
            failures.Add($"{Section}:GracePeriodSeconds is {options.GracePeriodSeconds}: use 0 to 300 (0: stop taking connections at once).");
        }

        if (options.RequestTimeoutSeconds is < 1 or > 300)
        {
            failures.Add($"{Section}:RequestTimeoutSeconds is {options.RequestTimeoutSeconds}: use 1 to 300.");
        }

        return failures;
    }
}
