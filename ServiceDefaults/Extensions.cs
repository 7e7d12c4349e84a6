using Listings.ServiceDefaults.ConnectionPool;
using Listings.ServiceDefaults.Health;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using System.Diagnostics.Metrics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

// The template puts these extensions in this namespace so every service finds them without a using.
namespace Microsoft.Extensions.Hosting;

/// <summary>The Aspire service defaults: service discovery, resilience, health checks and OpenTelemetry.</summary>
public static class Extensions
{
    /// <summary>The path of the readiness probe: every registered health check.</summary>
    public const string HealthEndpointPath = "/health";

    /// <summary>The path of the liveness probe: only checks tagged <c>live</c>, never the database.</summary>
    public const string AlivenessEndpointPath = "/alive";

    /// <summary>The tag that puts a health check into the liveness probe.</summary>
    public const string LiveTag = "live";

    /// <summary>Npgsql's meter.</summary>
    public const string NpgsqlMeterName = "Npgsql";

    /// <summary>Adds service discovery, HTTP resilience, the default health checks, the drain on stop and OpenTelemetry.</summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();

        builder.AddDefaultHealthChecks();

        builder.AddDrainOnStop();

        builder.Services.AddServiceDiscovery();

        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        return builder;
    }

    /// <summary>Configures logs, metrics (ASP.NET Core, HTTP client, runtime, Npgsql) and traces.</summary>
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        var telemetry = builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(NpgsqlMeterName)
                .AddMeter(PoolMetrics.MeterName)
                .AddSecondsHistogramBoundaries());

        // Spans only when something receives them: a tracer provider without an exporter still makes ASP.NET Core and
        // Npgsql build an Activity per request and per command, CPU spent for nothing.
        if (builder.HasTelemetryExporter())
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddAspNetCoreInstrumentation(options =>
                    // Probes run every few seconds; tracing them would bury the requests that matter.
                    options.Filter = context =>
                        !context.Request.Path.StartsWithSegments(HealthEndpointPath)
                        && !context.Request.Path.StartsWithSegments(AlivenessEndpointPath))
                .AddHttpClientInstrumentation());
        }

        builder.AddOpenTelemetryExporters();

        return builder;
    }

    /// <summary>
    /// Gives histograms in seconds without bucket advice of their own (Npgsql's <c>db.client.operation.duration</c>)
    /// <see cref="PoolMetrics.SecondsBoundaries"/> instead of the SDK's millisecond defaults.
    /// </summary>
    public static MeterProviderBuilder AddSecondsHistogramBoundaries(this MeterProviderBuilder metrics) =>
        metrics.AddView(instrument =>
            instrument is Histogram<double> { Unit: "s" } histogram && histogram.Advice?.HistogramBucketBoundaries is null
                ? new ExplicitBucketHistogramConfiguration { Boundaries = [.. PoolMetrics.SecondsBoundaries] }
                : null);

    private static TBuilder AddOpenTelemetryExporters<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        if (builder.HasTelemetryExporter())
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>True when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the AppHost sets it): only then is telemetry worth recording.</summary>
    public static bool HasTelemetryExporter(this IHostApplicationBuilder builder) =>
        !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

    /// <summary>Adds a liveness check that only proves the process answers.</summary>
    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);

        return builder;
    }

    /// <summary>
    /// Maps <c>/health</c> (every check, as JSON) and <c>/alive</c>. Unlike the Aspire template, in every environment:
    /// a deployed service needs its probes, and the responses carry no secrets.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(HealthEndpointPath, new HealthCheckOptions
        {
            ResponseWriter = HealthResponseWriter.WriteAsync,
        });

        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions
        {
            Predicate = registration => registration.Tags.Contains(LiveTag),
            ResponseWriter = HealthResponseWriter.WriteAsync,
        });

        return app;
    }
}
