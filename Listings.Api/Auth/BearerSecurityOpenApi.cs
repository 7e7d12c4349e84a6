using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Listings.Api.Auth;

/// <summary>Documents the bearer token in OpenAPI: the security scheme, and its requirement on each write operation.</summary>
internal static class BearerSecurityOpenApi
{
    /// <summary>The scheme's name under <c>components.securitySchemes</c>.</summary>
    public const string SchemeName = "Bearer";

    /// <summary>Adds the bearer security scheme to the document.</summary>
    public static OpenApiOptions AddBearerSecurityScheme(this OpenApiOptions options) =>
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[SchemeName] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "A Supabase Auth access token: ES256 or RS256 with one of the project's signing keys, or HS256 with its legacy"
                    + " JWT secret; audience 'authenticated', the user id (a UUID) in 'sub'."
                    + " Reads need none; creating, changing and deleting a listing do, and only its owner may change or delete it.",
            };
            return Task.CompletedTask;
        });

    /// <summary>Marks an operation as requiring the bearer token.</summary>
    public static Task RequireBearer(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        operation.Security ??= [];
        operation.Security.Add(new OpenApiSecurityRequirement
        {
            [new OpenApiSecuritySchemeReference(SchemeName, context.Document)] = [],
        });
        return Task.CompletedTask;
    }
}
