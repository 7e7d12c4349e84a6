namespace Listings.Benchmarks;

/// <summary>What every run's results carry besides its own numbers.</summary>
public interface IRunResults
{
    /// <summary>Gets the machine and software the run was taken on.</summary>
    MachineFacts Machine { get; }

    /// <summary>Gets or sets the failure that ended the run early, if any.</summary>
    string? Failure { get; set; }
}
