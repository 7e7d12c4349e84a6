using Listings.ServiceDefaults.ConnectionPool;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>Registers and applies admission control in front of database work.</summary>
public static class AdmissionExtensions
{
    /// <summary>
    /// Adds the <see cref="AdmissionGate"/>, sized from the plan unless <c>Admission:*</c> says otherwise. Call after
    /// <see cref="ConnectionPoolExtensions.AddNpgsqlDbContextWithPoolPolicyAsync{TContext}"/>.
    /// </summary>
    /// <exception cref="OptionsValidationException">An <c>Admission:*</c> setting is out of range.</exception>
    public static TBuilder AddDatabaseAdmission<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        // Read now: whether the gate exists at all is decided here.
        var options = builder.BindSettingsNow(AdmissionOptions.SectionName, new AdmissionOptionsValidator());

        if (options.Enabled)
        {
            builder.Services.AddSingleton(services =>
            {
                var concurrency = options.MaxConcurrency ?? services.GetRequiredService<ConnectionPlan>().MaxPoolSize;
                return new AdmissionGate(
                    concurrency,
                    options.QueueLimit,
                    TimeSpan.FromMilliseconds(options.QueueTimeoutMilliseconds),
                    TimeSpan.FromSeconds(options.MaxRetryAfterSeconds));
            });
            // The pool's sampler and health check count the gate's queue as demand.
            builder.Services.AddSingleton<IRequestQueue>(services => services.GetRequiredService<AdmissionGate>());
        }

        return builder;
    }

    /// <summary>Puts the endpoints of <paramref name="group"/> behind admission control, when it is enabled.</summary>
    public static RouteGroupBuilder RequireDatabaseAdmission(this RouteGroupBuilder group)
    {
        group.AddEndpointFilter<AdmissionFilter>()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return group;
    }
}
