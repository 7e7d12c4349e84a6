namespace Listings.Api.Auth;

/// <summary>Puts an endpoint behind the bearer token, with its 401 and 403 problem answers documented in OpenAPI.</summary>
public static class WriteAccess
{
    /// <summary>
    /// Requires an authenticated user: without a valid token the endpoint answers 401 problem details before reading
    /// the body. The 403 is the handler's, for a user who does not own the listing.
    /// </summary>
    public static RouteHandlerBuilder RequireWriteAccess(this RouteHandlerBuilder endpoint) => endpoint
        .RequireAuthorization()
        .AddOpenApiOperationTransformer(BearerSecurityOpenApi.RequireBearer)
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status403Forbidden);
}
