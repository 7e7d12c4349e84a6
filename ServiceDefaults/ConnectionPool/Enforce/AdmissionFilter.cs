using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// Runs an endpoint only with an admission slot; otherwise answers 503 problem details with <c>Retry-After</c>,
/// quickly, instead of letting the request hang in the connection pool.
/// </summary>
public sealed class AdmissionFilter(AdmissionGate? gate = null) : IEndpointFilter
{
    /// <inheritdoc />
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (gate is null)
        {
            return await next(context);
        }

        using var slot = await gate.TryEnterAsync(context.HttpContext.RequestAborted);
        if (slot is null)
        {
            context.HttpContext.Response.Headers.RetryAfter = gate.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            return TypedResults.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Service busy",
                detail: $"Every database slot is taken and {gate.QueueLength} requests are already waiting; retry after {gate.RetryAfterSeconds} s.");
        }

        return await next(context);
    }
}
