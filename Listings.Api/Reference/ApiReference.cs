using Listings.Api.Auth;
using Scalar.AspNetCore;

namespace Listings.Api.Reference;

/// <summary>
/// The API reference page: Scalar rendering the OpenAPI document (<c>/openapi/v1.json</c>) at <see cref="Path"/>, with
/// the bearer scheme ready for a pasted token. Scalar because it is a served package that reads the document .NET
/// generates as is, and lets a reader try each call; Swashbuckle's UI left the .NET 9+ templates.
/// </summary>
public static class ApiReference
{
    /// <summary>The page's path.</summary>
    public const string Path = "/scalar";

    /// <summary>The setting that maps the page; the default value is true in Development and false elsewhere.</summary>
    public const string EnabledKey = "ApiReference:Enabled";

    /// <summary>Maps the page when <see cref="EnabledKey"/> says so (by default in Development only).</summary>
    public static WebApplication MapApiReference(this WebApplication app)
    {
        if (app.Configuration.GetValue(EnabledKey, app.Environment.IsDevelopment()))
        {
            app.MapScalarApiReference(Path, options => options
                .WithTitle("Listings API")
                .AddPreferredSecuritySchemes(BearerSecurityOpenApi.SchemeName));
        }

        return app;
    }
}
