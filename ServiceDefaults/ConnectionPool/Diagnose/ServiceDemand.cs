using System.Globalization;
using System.Text.Json.Nodes;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// The demand a running service measured, read from its <c>/health</c> (the <c>database</c> entry's data), for
/// <c>db-info --service &lt;url&gt;</c>: the plan says what is configured, the service says what it needs.
/// </summary>
/// <param name="Demand">The <see cref="PoolDemand"/> as the service reported it, or null.</param>
/// <param name="RecommendedMaxPoolSize">The service's recommendation, or null.</param>
/// <param name="Failure">Why the service could not be asked, or null.</param>
public sealed record ServiceDemand(JsonNode? Demand, int? RecommendedMaxPoolSize, string? Failure)
{
    /// <summary>Asks <paramref name="serviceUrl"/>/health within three seconds.</summary>
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

    /// <summary>
    /// A one-line summary: throughput, hold time, Little's law, the p99 of concurrent use, and the connections working
    /// against the share of the pool waiting.
    /// </summary>
    public string Describe() => Demand is null
        ? "unknown"
        : string.Create(CultureInfo.InvariantCulture,
            $"{Demand["connectionsPerSecond"]} connections/s × {Demand["meanHoldMilliseconds"]} ms held = {Demand["littlesLawConnections"]} busy on average (Little's law), p99 {Demand["p99Concurrent"]} concurrent over {Demand["windowSeconds"]} s; {Demand["workingConnections"]} working (5th-percentile hold {Demand["shortHoldMilliseconds"]} ms), {Demand["waitingShare"]} of the pool waiting");
}
