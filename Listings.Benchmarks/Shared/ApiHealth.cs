using System.Text.Json;
using System.Text.Json.Nodes;

namespace Listings.Benchmarks;

/// <summary>What a running API's <c>/health</c> says about its connection pool.</summary>
public static class ApiHealth
{
    /// <summary>The <c>Maximum Pool Size</c> the API's pool policy chose (<c>entries.database.data.maxPoolSize</c>); null when <c>/health</c> does not say.</summary>
    /// <param name="baseAddress">The API's base address.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public static async Task<int?> ReadPoolSizeAsync(Uri baseAddress, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(10) };
        using var response = await client.GetAsync("health", cancellationToken);
        try
        {
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            return body?["entries"]?["database"]?["data"]?["maxPoolSize"]?.GetValue<int>();
        }
        catch (Exception error) when (error is JsonException or InvalidOperationException or FormatException)
        {
            // Not the JSON report (or not a number there): a build whose /health says less.
            return null;
        }
    }
}
