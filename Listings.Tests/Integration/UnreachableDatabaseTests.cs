using System.Text.Json.Nodes;
using Listings.Tests.Infrastructure;

namespace Listings.Tests.Integration;

/// <summary>The API started against a database that does not answer: what its probes and its clients see.</summary>
public sealed class UnreachableDatabaseTests
{
    [Fact]
    public async Task HealthIsUnhealthyAndRequestsAre503WhileLivenessStays200()
    {
        var port = FreePort.Next();
        await using var api = ApiProcess.Start(
            new Dictionary<string, string>
            {
                // A closed loopback port: connection refused at once, as after a server crash.
                ["ConnectionStrings__listingsdb"] = $"Host=127.0.0.1;Port={FreePort.Next()};Username=app;Password=Unreachable-Pw-1;Database=listings",
                ["ConnectionPool__ServerMaxConnections"] = "60",
            },
            port);
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };

        HttpResponseMessage? alive = null;
        for (var attempt = 0; attempt < 300 && alive is null; attempt++)
        {
            try
            {
                alive = await client.GetAsync("/alive");
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100);
            }
        }

        Assert.Equal(HttpStatusCode.OK, alive?.StatusCode);

        var health = await client.GetAsync("/health");
        var body = JsonNode.Parse(await health.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal("Unhealthy", body["entries"]!["database"]!["status"]!.GetValue<string>());

        var listings = await client.GetAsync("/api/v1/listings?page=1");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, listings.StatusCode);
        Assert.NotNull(listings.Headers.RetryAfter);
        Assert.Equal("application/problem+json", listings.Content.Headers.ContentType?.MediaType);

        Assert.DoesNotContain("Unreachable-Pw-1", api.Text);
        Assert.DoesNotContain("Unreachable-Pw-1", body.ToJsonString());
    }
}
