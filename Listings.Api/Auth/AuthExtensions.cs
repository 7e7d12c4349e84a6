using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;

namespace Listings.Api.Auth;

/// <summary>Registers bearer-token authentication for writes.</summary>
public static class AuthExtensions
{
    /// <summary>
    /// Adds <see cref="JwtAuthOptions"/> (section <c>Auth</c>, validated at start: the service refuses to start without
    /// a usable <c>Auth:JwtSecret</c>), the JWT bearer handler configured from them, and authorization.
    /// </summary>
    /// <param name="builder">The application builder.</param>
    public static TBuilder AddListingsAuth<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<JwtAuthOptions>()
            .BindConfiguration(JwtAuthOptions.SectionName)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<JwtAuthOptions>, JwtAuthOptionsValidator>();

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddSingleton<IConfigureOptions<JwtBearerOptions>, ConfigureJwtBearerOptions>();
        builder.Services.AddAuthorization();

        return builder;
    }
}
