using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>Checks each <see cref="RangeAttribute"/> of <see cref="ReadReplicaOptions"/> (as the pool's settings are checked) and the rule between them; every message names the key.</summary>
public sealed class ReadReplicaOptionsValidator() : SettingsValidator<ReadReplicaOptions>(Check)
{
    private const string Section = ReadReplicaOptions.SectionName;

    /// <summary>The problems with <paramref name="options"/>, empty when there are none.</summary>
    public static List<string> Check(ReadReplicaOptions options)
    {
        var failures = ConnectionPoolOptionsValidator.OutOfRange(Section, options).ToList();

        if (options.Mode is not null && !ConnectionModeNames.TryParse(options.Mode, out _))
        {
            failures.Add($"{Section}:Mode is '{options.Mode}': use direct, session-pooler, transaction-pooler or dedicated-pooler, or leave it unset to detect each host's mode.");
        }

        // The lag counts from the last reading: a reading every PollMilliseconds must fit several times into the bound.
        if (failures.Count == 0 && options.PollMilliseconds * 2 > options.MaxLagSeconds * 1000)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture,
                $"{Section}:PollMilliseconds ({options.PollMilliseconds}) is more than half of {Section}:MaxLagSeconds ({options.MaxLagSeconds} s):"
                + $" every replica would leave the rotation between two readings. Lower PollMilliseconds to {(int)(options.MaxLagSeconds * 250)} or raise MaxLagSeconds."));
        }

        return failures;
    }
}
