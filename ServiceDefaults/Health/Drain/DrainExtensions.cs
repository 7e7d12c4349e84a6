using Listings.ServiceDefaults.Health;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>Registers and uses <see cref="DrainOnStop"/>.</summary>
public static class DrainExtensions
{
    /// <summary>
    /// Reads <see cref="DrainOptions"/> now (they set the host's shutdown timeout) and registers the drain, its readiness
    /// check and the timeout.
    /// </summary>
    /// <exception cref="Options.OptionsValidationException">A setting is wrong; the message names it.</exception>
    public static TBuilder AddDrainOnStop<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var options = builder.BindSettingsNow(DrainOptions.SectionName, new DrainOptionsValidator());
        builder.Services.AddSingleton<DrainOnStop>();
        builder.Services.AddHostedService(services => services.GetRequiredService<DrainOnStop>());
        // Then the pools are cleared and telemetry flushed, within DrainOnStop.TelemetryFlushTimeout.
        builder.Services.Configure<HostOptions>(host =>
            host.ShutdownTimeout = TimeSpan.FromSeconds(options.GracePeriodSeconds + options.RequestTimeoutSeconds) + DrainOnStop.TelemetryFlushTimeout);
        builder.Services.AddHealthChecks().AddCheck<DrainHealthCheck>(DrainHealthCheck.Name);
        return builder;
    }

    /// <summary>
    /// While the replica drains, answers close their connection (<c>Connection: close</c>): a client or proxy that keeps
    /// connections open (Aspire's local proxy pins each to one replica) opens its next one to a replica that stays.
    /// </summary>
    public static WebApplication UseDrainOnStop(this WebApplication app)
    {
        var drain = app.Services.GetRequiredService<DrainOnStop>();
        app.Use((context, next) =>
        {
            if (drain.IsDraining)
            {
                // At the first write: an error handler that clears the answer's headers does not take it away.
                context.Response.OnStarting(static state =>
                {
                    ((HttpResponse)state).Headers.Connection = "close";
                    return Task.CompletedTask;
                }, context.Response);
            }

            return next(context);
        });
        return app;
    }
}
