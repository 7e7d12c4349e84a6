using Listings.Api.Auth;
using Scalar.AspNetCore;

namespace Listings.Api.Reference;

/// <summary>
/// The API reference page: Scalar rendering the OpenAPI document at <see cref="Path"/>, the bearer scheme ready for a
/// pasted token. Scalar reads the document .NET generates as is and lets a reader try each call; the .NET 9+ templates
/// ship no Swagger UI.
/// </summary>
public static class ApiReference
{
    /// <summary>The page's path.</summary>
    public const string Path = "/scalar";

    /// <summary>The setting that maps the page; the default value is true in Development and false elsewhere.</summary>
    public const string EnabledKey = "ApiReference:Enabled";

    /// <summary>Maps the page when <see cref="EnabledKey"/> says so.</summary>
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
