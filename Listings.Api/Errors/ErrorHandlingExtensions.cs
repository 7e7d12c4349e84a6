namespace Listings.Api.Errors;

/// <summary>Registers the problem-details error responses of the API.</summary>
public static class ErrorHandlingExtensions
{
    /// <summary>
    /// Adds problem details and <see cref="ProblemDetailsExceptionHandler"/>. The 413 and 415 answers never reach the
    /// handler (routing answers a wrong content type, the body reader swallows Kestrel's size error), so their detail is
    /// filled in here.
    /// </summary>
    public static IServiceCollection AddErrorHandling(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
            context.ProblemDetails.Detail ??= context.ProblemDetails.Status switch
            {
                StatusCodes.Status413PayloadTooLarge => "The request body is larger than this endpoint accepts.",
                StatusCodes.Status415UnsupportedMediaType => "The request body must be JSON sent with 'Content-Type: application/json'.",
                _ => null,
            });
        services.AddExceptionHandler<ProblemDetailsExceptionHandler>();

        return services;
    }
}
