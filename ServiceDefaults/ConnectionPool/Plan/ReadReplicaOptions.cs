using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// The <c>ReadReplicas</c> settings: how stale a replica's read may be and how long a read that carries a
/// <c>Listings-Consistency</c> token waits for a replica to replay it. Used only when <c>ConnectionStrings:&lt;name&gt;-read</c> is set.
/// </summary>
public sealed class ReadReplicaOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "ReadReplicas";

    /// <summary>
    /// A replica whose replay lags the primary by more than this leaves the read rotation until it catches up. The default
    /// value is 1 second.
    /// </summary>
    [Range(0.05, 3600)]
    public double MaxLagSeconds { get; set; } = 1;

    /// <summary>
    /// How long a read whose token no replica has replayed waits for one before it reads the primary. The default value
    /// is 100 ms: a replica on the same network usually replays a commit well within it (benchmarks/README.md, "Read replicas").
    /// </summary>
    [Range(0, 10_000)]
    public int CatchUpMilliseconds { get; set; } = 100;

    /// <summary>
    /// How often each replica's replay position is read, on one connection of its pool. The default value is 100 ms; it
    /// must be well under <see cref="MaxLagSeconds"/>, which counts from the last reading.
    /// </summary>
    [Range(10, 60_000)]
    public int PollMilliseconds { get; set; } = 100;

    /// <summary>
    /// Overrides the detected mode of every read host, as <c>ConnectionPool:Mode</c> does for the primary. The default value
    /// is null: each host's mode is detected from its host, port and user.
    /// </summary>
    public string? Mode { get; set; }

    /// <summary>Binds the section.</summary>
    /// <exception cref="ConnectionPlanException">A key is unknown, a value is not of its type, or a value is out of range.</exception>
    public static ReadReplicaOptions Bind(IConfiguration configuration)
    {
        var section = configuration.GetSection(SectionName);
        var known = typeof(ReadReplicaOptions).GetProperties().Where(property => property.CanWrite).Select(property => property.Name)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var unknown = section.GetChildren().Select(child => child.Key).Where(key => !known.Contains(key)).ToList();
        if (unknown.Count > 0)
        {
            throw new ConnectionPlanException(unknown.Select(key =>
                $"{SectionName}:{key} is not a setting: use MaxLagSeconds, CatchUpMilliseconds, PollMilliseconds or Mode (ServiceDefaults/ConnectionPool/README.md, \"Read replicas\")."));
        }

        ReadReplicaOptions options;
        try
        {
            options = section.Get<ReadReplicaOptions>() ?? new();
        }
        catch (InvalidOperationException error)
        {
            throw new ConnectionPlanException([$"{error.Message} Write a number there, or remove the setting."]);
        }

        return ReadReplicaOptionsValidator.Check(options) is { Count: > 0 } failures ? throw new ConnectionPlanException(failures) : options;
    }
}
