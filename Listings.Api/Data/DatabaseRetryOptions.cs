namespace Listings.Api.Data;

/// <summary>
/// How EF Core retries a database operation that failed transiently, bound from the <c>DatabaseRetry</c> section.
/// Aspire's stock is 6 retries with up to 30 s between them, which holds a request for about a minute while the
/// database is down; two quick retries ride out a blip, and past that the client gets a 503 with Retry-After.
/// </summary>
public sealed class DatabaseRetryOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "DatabaseRetry";

    /// <summary>Retries after the first failure; 0 turns retrying off. The default value is 2.</summary>
    public int MaxRetryCount { get; set; } = 2;

    /// <summary>The longest pause between two tries, in seconds. The default value is 1.</summary>
    public int MaxRetryDelaySeconds { get; set; } = 1;

    /// <summary>The problems with these options, each naming its key; empty when there are none.</summary>
    public List<string> Check()
    {
        var failures = new List<string>();
        if (MaxRetryCount is < 0 or > 20)
        {
            failures.Add($"{SectionName}:MaxRetryCount is {MaxRetryCount}: use 0 (no retries) to 20.");
        }

        if (MaxRetryDelaySeconds is < 1 or > 300)
        {
            failures.Add($"{SectionName}:MaxRetryDelaySeconds is {MaxRetryDelaySeconds}: use 1 to 300.");
        }

        return failures;
    }
}
