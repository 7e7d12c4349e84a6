using System.Globalization;
using System.Text.Json.Nodes;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>The demand a running service reports in its <c>/health</c>, for <c>db-info --service &lt;url&gt;</c>.</summary>
/// <param name="Demand">The reported <see cref="PoolDemand"/>, or null.</param>
/// <param name="RecommendedMaxPoolSize">The service's recommendation, or null.</param>
/// <param name="Failure">Why the service could not be asked, or null.</param>
public sealed record ServiceDemand(JsonNode? Demand, int? RecommendedMaxPoolSize, string? Failure)
{
    /// <summary>Asks <paramref name="serviceUrl"/>'s <c>/health</c>.</summary>
    public static async Task<ServiceDemand> TryReadAsync(string serviceUrl)
    {
        if (!Uri.TryCreate(serviceUrl, UriKind.Absolute, out var baseUri))
        {
            return new ServiceDemand(null, null, $"--service '{serviceUrl}' is not an absolute URL such as http://localhost:5180.");
        }

        try
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
            // /health answers 503 when unhealthy, with the same body: read it either way.
            using var response = await client.GetAsync(new Uri(baseUri, "/health"));
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync());
            var data = body?["entries"]?[DatabaseHealthCheck<Microsoft.EntityFrameworkCore.DbContext>.Name]?["data"];
            var demand = data?["demand"];
            return demand is null
                ? new ServiceDemand(null, null, "the service has not measured any demand yet (no database entry in /health)")
                : new ServiceDemand(demand, RecommendedSize(data?["recommendedMaxPoolSize"]), null);
        }
        catch (Exception error) when (error is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            return new ServiceDemand(null, null, $"the service did not answer: {error.Message}");
        }
    }

    // A number once the service has judged; until then the words "not enough load to judge".
    private static int? RecommendedSize(JsonNode? recommended) =>
        recommended is JsonValue value && value.TryGetValue<int>(out var size) ? size : null;

    /// <summary>A one-line summary.</summary>
    public string Describe() => Demand is null
        ? "unknown"
        : string.Create(CultureInfo.InvariantCulture,
            $"{Demand["connectionsPerSecond"]} connections/s × {Demand["meanHoldMilliseconds"]} ms held = {Demand["littlesLawConnections"]} busy on average (Little's law), p99 {Demand["p99Concurrent"]} concurrent over {Demand["windowSeconds"]} s; {Demand["workingConnections"]} working (5th-percentile hold {Demand["shortHoldMilliseconds"]} ms), {Demand["waitingShare"]} of the pool waiting");
}
