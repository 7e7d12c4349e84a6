using Listings.Benchmarks.Throughput.Report;

namespace Listings.Benchmarks.Throughput.Scenarios;

/// <summary>The original system's acceptance test: 20 parallel requests for page 1 must all answer 200.</summary>
public static class OriginalCheckScenario
{
    private const int Requests = 20;

    /// <summary>Sends the 20 requests at once and counts the answers by status (0 for no answer).</summary>
    /// <param name="api">A running API.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    public static async Task<OriginalCheckResult> RunAsync(ApiServer api, CancellationToken cancellationToken)
    {
        using var client = LoadGenerator.CreateClient(api.BaseAddress, Requests, TimeSpan.FromSeconds(120));
        var statuses = await Task.WhenAll(Enumerable.Range(0, Requests).Select(async _ =>
        {
            try
            {
                using var response = await client.GetAsync("api/v1/listings?page=1", cancellationToken);
                return (int)response.StatusCode;
            }
            catch (HttpRequestException)
            {
                return 0;
            }
        }));
        var counts = statuses.GroupBy(s => s).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.Count());
        return new OriginalCheckResult(Requests, counts.GetValueOrDefault(200), counts);
    }
}
