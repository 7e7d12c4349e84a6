using Listings.Benchmarks.Ceiling;

namespace Listings.Benchmarks.Compare;

/// <summary>A process the compare run measures.</summary>
/// <param name="Name">The name in the report.</param>
/// <param name="ApplicationName">The <c>Application Name</c> of its server connections, so its peak is counted apart.</param>
public sealed record CompareSetting(string Name, string ApplicationName)
{
    /// <summary>The baseline build of the API.</summary>
    public static readonly CompareSetting Baseline = new("baseline", "Listings.Api.Baseline");

    /// <summary>The candidate build of the API.</summary>
    public static readonly CompareSetting Candidate = new("candidate", "Listings.Api.Candidate");

    /// <summary>The raw-Npgsql endpoint of the candidate's tree: the ceiling (it names its connections itself).</summary>
    public static readonly CompareSetting RawNpgsql = new(CeilingSetting.RawNpgsql.Name, CeilingSetting.RawNpgsql.ApplicationName);

    /// <summary>The settings in report order, which is also the order of the first round.</summary>
    public static IReadOnlyList<CompareSetting> All { get; } = [Baseline, Candidate, RawNpgsql];
}
