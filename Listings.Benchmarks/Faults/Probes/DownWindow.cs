namespace Listings.Benchmarks.Faults.Probes;

/// <summary>A stretch of time in which PostgreSQL did not accept connections.</summary>
/// <param name="FromSeconds">The start of the first refused try, on the scenario's clock.</param>
/// <param name="ToSeconds">The end of the first accepted try after it: the server accepts connections again.</param>
public sealed record DownWindow(double FromSeconds, double ToSeconds)
{
    /// <summary>Gets the window's length in seconds.</summary>
    public double Seconds => ToSeconds - FromSeconds;

    /// <summary>Finds the windows in a probe's samples; a window still open at the end closes at the last sample.</summary>
    /// <param name="samples">The samples in order.</param>
    public static IReadOnlyList<DownWindow> From(IReadOnlyList<ProbeSample> samples)
    {
        var windows = new List<DownWindow>();
        double? from = null;
        foreach (var sample in samples)
        {
            if (!sample.Accepted)
            {
                from ??= sample.StartSeconds;
            }
            else if (from is { } start)
            {
                windows.Add(new DownWindow(start, sample.EndSeconds));
                from = null;
            }
        }

        if (from is { } open && samples.Count > 0)
        {
            windows.Add(new DownWindow(open, samples[^1].EndSeconds));
        }

        return windows;
    }
}
