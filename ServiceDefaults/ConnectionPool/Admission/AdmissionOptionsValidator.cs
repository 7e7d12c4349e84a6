namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>Checks <see cref="AdmissionOptions"/>; every message names the key and what would be right.</summary>
public sealed class AdmissionOptionsValidator() : SettingsValidator<AdmissionOptions>(Check)
{
    private const string Section = AdmissionOptions.SectionName;

    /// <summary>The problems with <paramref name="options"/>, empty when there are none.</summary>
    public static List<string> Check(AdmissionOptions options)
    {
        var failures = new List<string>();
        if (options.MaxConcurrency is < 1 or > 10_000)
        {
            failures.Add($"{Section}:MaxConcurrency is {options.MaxConcurrency}: use a whole number from 1 to 10000, or leave it unset to use the pool's Maximum Pool Size.");
        }

        if (options.QueueLimit is < 0 or > 1_000_000)
        {
            failures.Add($"{Section}:QueueLimit is {options.QueueLimit}: use a whole number from 0 to 1000000 (0: no queue, answer 503 at once).");
        }

        if (options.QueueTimeoutMilliseconds is < 1 or > 60_000)
        {
            failures.Add($"{Section}:QueueTimeoutMilliseconds is {options.QueueTimeoutMilliseconds}: use 1 to 60000.");
        }

        if (options.MaxRetryAfterSeconds is < 1 or > 3_600)
        {
            failures.Add($"{Section}:MaxRetryAfterSeconds is {options.MaxRetryAfterSeconds}: use 1 to 3600.");
        }

        return failures;
    }
}
