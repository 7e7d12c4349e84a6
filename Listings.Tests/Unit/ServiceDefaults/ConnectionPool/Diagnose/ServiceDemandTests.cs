using System.Text.Json.Nodes;
using Listings.ServiceDefaults.ConnectionPool;

namespace Listings.Tests.Unit;

public sealed class ServiceDemandTests
{
    [Fact]
    public void DescribeShowsLittlesLawAndTheWorkAgainstTheWaiting()
    {
        // The demand as /health serialized it, measured at a pool of 16 on the 2-core box.
        var demand = JsonNode.Parse("""
            {"windowSeconds":59.9,"connectionsPerSecond":5528.8,"meanHoldMilliseconds":1.61,"littlesLawConnections":8.91,
             "shortHoldMilliseconds":0.23,"workingConnections":1.27,"waitingShare":0.48,"p99Concurrent":251,
             "saturatedShare":1,"recommendedMaxPoolSize":4,"judgement":"saturated"}
            """);

        var line = new ServiceDemand(demand, 4, null).Describe();

        Assert.Equal(
            "5528.8 connections/s × 1.61 ms held = 8.91 busy on average (Little's law), p99 251 concurrent over 59.9 s; "
            + "1.27 working (5th-percentile hold 0.23 ms), 0.48 of the pool waiting",
            line);
    }
}
