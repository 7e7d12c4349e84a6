using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>Runs an endpoint only with an admission slot; otherwise answers 503 with <c>Retry-After</c>.</summary>
public sealed class AdmissionFilter(AdmissionGate? gate = null) : IEndpointFilter
{
    /// <inheritdoc />
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (gate is null)
        {
            return next(context);
        }

        var entering = gate.TryEnterAsync(context.HttpContext.RequestAborted);
        // The common case, a free slot, completes at once: no state machine, no allocation.
        return entering.IsCompletedSuccessfully && entering.Result.Admitted
            ? RunAsync(entering.Result, context, next)
            : WaitThenRunAsync(gate, entering, context, next);
    }

    private static async ValueTask<object?> RunAsync(AdmissionGate.Admission slot, EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        using (slot)
        {
            return await next(context);
        }
    }

    private static async ValueTask<object?> WaitThenRunAsync(
        AdmissionGate gate, ValueTask<AdmissionGate.Admission> entering, EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        using var slot = await entering;
        if (slot.Admitted)
        {
            return await next(context);
        }

        var retryAfter = gate.RetryAfter().TotalSeconds;
        context.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "Service busy",
            detail: string.Create(CultureInfo.InvariantCulture,
                $"No database slot could be given within {gate.QueueTimeout.TotalMilliseconds:0} ms and {gate.QueueLength} requests are waiting; capacity is expected in about {retryAfter:0} s."));
    }
}
