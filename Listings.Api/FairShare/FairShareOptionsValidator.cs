using System.Net;
using Listings.ServiceDefaults;

namespace Listings.Api.FairShare;

/// <summary>Checks <see cref="FairShareOptions"/>; every message names the key and what would be right.</summary>
public sealed class FairShareOptionsValidator() : SettingsValidator<FairShareOptions>(Check)
{
    private const string Section = FairShareOptions.SectionName;

    /// <summary>The problems with <paramref name="options"/>, empty when there are none.</summary>
    public static List<string> Check(FairShareOptions options)
    {
        var failures = new List<string>();
        if (options.PermitLimit is < 1 or > 100_000)
        {
            failures.Add($"{Section}:PermitLimit is {options.PermitLimit}: use a whole number from 1 to 100000, or set {Section}:Enabled=false.");
        }

        if (options.RetryAfterSeconds is < 1 or > 3_600)
        {
            failures.Add($"{Section}:RetryAfterSeconds is {options.RetryAfterSeconds}: use 1 to 3600.");
        }

        for (var i = 0; i < options.TrustedProxies.Count; i++)
        {
            if (!IPAddress.TryParse(options.TrustedProxies[i], out _) && !IPNetwork.TryParse(options.TrustedProxies[i], out _))
            {
                failures.Add($"{Section}:TrustedProxies:{i} is '{options.TrustedProxies[i]}': use an IP address (10.0.0.4) or a network (10.0.0.0/16).");
            }
        }

        return failures;
    }
}
