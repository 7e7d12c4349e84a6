using Microsoft.AspNetCore.Authorization;

namespace Listings.Api.Auth;

/// <summary>Puts an endpoint behind the bearer token, with its 401 problem answer documented in OpenAPI.</summary>
public static class WriteAccess
{
    // Names the bearer scheme: there is no default scheme, so anonymous endpoints never authenticate (AuthExtensions).
    private static readonly AuthorizationPolicy Policy =
        new AuthorizationPolicyBuilder(BearerSchemes.Default).RequireAuthenticatedUser().Build();

    /// <summary>
    /// Requires an authenticated user: without a valid token the endpoint answers 401 before reading the body. A 403 (not
    /// the owner) is the handler's, documented by the endpoints that answer it.
    /// </summary>
    public static RouteHandlerBuilder RequireWriteAccess(this RouteHandlerBuilder endpoint) => endpoint
        .RequireAuthorization(Policy)
        .AddOpenApiOperationTransformer(BearerSecurityOpenApi.RequireBearer)
        .ProducesProblem(StatusCodes.Status401Unauthorized);
}
