namespace Listings.Benchmarks;

/// <summary>What every run's options name: where its report and its logs go.</summary>
public interface IRunOptions
{
    /// <summary>Gets the folder the report is written to.</summary>
    string OutputDirectory { get; }

    /// <summary>Gets the run's own log folder, emptied when the run starts.</summary>
    string LogDirectory { get; }
}
