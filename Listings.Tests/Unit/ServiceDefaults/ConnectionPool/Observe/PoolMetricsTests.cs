using System.Diagnostics.Metrics;
using Listings.ServiceDefaults.ConnectionPool;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Listings.Tests.Unit;

/// <summary>Reads the histograms as the service's OpenTelemetry pipeline exports them.</summary>
public sealed class PoolMetricsTests
{
    private static readonly double[] SemanticConventionBounds = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, double.PositiveInfinity];

    [Theory]
    [InlineData("db.client.connection.wait_time")]
    [InlineData("db.client.connection.use_time")]
    [InlineData("db.client.operation.duration")]
    public void DurationHistogramsInSecondsAreExportedWithTheSemanticConventionsBuckets(string name)
    {
        // A stand-in for Npgsql's own histogram in seconds, which brings no bucket advice.
        using var npgsql = new Meter(Extensions.NpgsqlMeterName);
        var operationDuration = npgsql.CreateHistogram<double>("db.client.operation.duration", "s");
        var exported = new List<Metric>();
        var builder = Host.CreateApplicationBuilder();
        builder.ConfigureOpenTelemetry();
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddInMemoryExporter(exported));
        using var host = builder.Build();
        var provider = host.Services.GetRequiredService<MeterProvider>();

        PoolMetrics.WaitTime.Record(0.002);
        PoolMetrics.UseTime.Record(0.002);
        operationDuration.Record(0.002);
        provider.ForceFlush();

        var histogram = exported.Last(metric => metric.Name == name);
        var bounds = new List<double>();
        foreach (var point in histogram.GetMetricPoints())
        {
            foreach (var bucket in point.GetHistogramBuckets())
            {
                bounds.Add(bucket.ExplicitBound);
            }

            break;
        }

        Assert.Equal(SemanticConventionBounds, bounds);
    }
}
