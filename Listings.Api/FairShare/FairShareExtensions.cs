using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Listings.Api.Auth;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.RateLimiting;

namespace Listings.Api.FairShare;

/// <summary>
/// Fair share per client in front of admission control, with ASP.NET Core's rate limiting: a concurrency limiter per
/// client (<see cref="FairShareOptions.PermitLimit"/> requests in progress, no queue), partitioned by the token's
/// <c>sub</c> for a signed-in request and by the remote address otherwise. Over its share a client gets 429 with
/// <c>Retry-After</c> and a problem; the others are not slowed, as the shared admission queue holds at most one share of
/// each client. (https://learn.microsoft.com/aspnet/core/performance/rate-limit)
/// </summary>
public static class FairShareExtensions
{
    /// <summary>The rate-limiting policy the listings endpoints name.</summary>
    public const string PolicyName = "fair-share";

    /// <summary>Reads <see cref="FairShareOptions"/> now and registers the policy and, with trusted proxies, forwarded headers.</summary>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A setting is wrong; the message names it.</exception>
    public static void AddFairShare(this IHostApplicationBuilder builder)
    {
        var options = builder.BindSettingsNow(FairShareOptions.SectionName, new FairShareOptionsValidator());
        if (options.TrustedProxies.Count > 0)
        {
            builder.Services.Configure<ForwardedHeadersOptions>(forwarded =>
            {
                forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor;
                // The defaults trust loopback: only the configured proxies are believed.
                forwarded.KnownProxies.Clear();
                forwarded.KnownIPNetworks.Clear();
                foreach (var proxy in options.TrustedProxies)
                {
                    if (IPAddress.TryParse(proxy, out var address))
                    {
                        forwarded.KnownProxies.Add(address);
                    }
                    else
                    {
                        forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(proxy));
                    }
                }
            });
        }

        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(PolicyName, context => options.Enabled
                ? RateLimitPartition.GetConcurrencyLimiter(ClientOf(context), _ => new ConcurrencyLimiterOptions { PermitLimit = options.PermitLimit, QueueLimit = 0 })
                : RateLimitPartition.GetNoLimiter(""));
            limiter.OnRejected = async (rejected, cancellationToken) =>
            {
                var http = rejected.HttpContext;
                http.Response.Headers.RetryAfter = options.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "Too many requests at once from this client",
                        Detail = $"This client has {options.PermitLimit} requests in progress, its share. Wait for an answer, or retry after {options.RetryAfterSeconds} s.",
                    },
                });
            };
        });
    }

    /// <summary>
    /// Adds the limits: after authorization, which names the user of a write. The client's address is put right before,
    /// by <c>UseForwardedHeaders</c> at the top of the pipeline, which does nothing without trusted proxies.
    /// </summary>
    public static WebApplication UseFairShare(this WebApplication app)
    {
        app.UseRateLimiter();
        return app;
    }

    /// <summary>Answers 429 to a client over its share, documented in OpenAPI.</summary>
    public static RouteGroupBuilder RequireFairShare(this RouteGroupBuilder group) => group
        .RequireRateLimiting(PolicyName)
        .ProducesProblem(StatusCodes.Status429TooManyRequests);

    // A user is one client wherever they connect from; an anonymous client is its address.
    private static string ClientOf(HttpContext context) =>
        CurrentUser.TryGetId(context.User, out var user)
            ? "user:" + user.ToString("N")
            : "address:" + context.Connection.RemoteIpAddress;
}
