using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;

namespace Listings.Api.Auth;

/// <summary>Registers bearer-token authentication for writes.</summary>
public static class AuthExtensions
{
    /// <summary>
    /// Adds <see cref="JwtAuthOptions"/> (section <c>Auth</c>, validated at start: the service refuses to start without a
    /// usable <c>Auth:SupabaseUrl</c> or <c>Auth:JwtSecret</c>), the JWT handlers of <see cref="BearerSchemes"/> behind a
    /// policy scheme that picks one by the token's algorithm (the scheme the writes authenticate with), the signing keys'
    /// health check, and authorization.
    /// </summary>
    /// <param name="builder">The application builder.</param>
    public static TBuilder AddListingsAuth<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<JwtAuthOptions>()
            .BindConfiguration(JwtAuthOptions.SectionName)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<JwtAuthOptions>, JwtAuthOptionsValidator>();
        builder.Services.AddSingleton<SupabaseSigningKeys>();

        // Both handlers are always registered: which one serves is the settings' choice, read per request, not at registration.
        // No default scheme to authenticate with: only the writes need a user, and their policy names the scheme
        // (WriteAccess). Authenticating every anonymous read ran the scheme selector and a JWT handler per request.
        builder.Services.AddAuthentication(options =>
            {
                options.DefaultChallengeScheme = BearerSchemes.Default;
                options.DefaultForbidScheme = BearerSchemes.Default;
            })
            .AddPolicyScheme(BearerSchemes.Default, displayName: null, options => options.ForwardDefaultSelector = context =>
                BearerSchemes.Select(context, context.RequestServices.GetRequiredService<IOptions<JwtAuthOptions>>().Value))
            .AddJwtBearer(BearerSchemes.Secret)
            .AddJwtBearer(BearerSchemes.SigningKeys);
        builder.Services.AddSingleton<IConfigureOptions<JwtBearerOptions>, ConfigureJwtBearerOptions>();
        builder.Services.AddAuthorization();
        builder.Services.AddHealthChecks().AddCheck<SigningKeysHealthCheck>(SigningKeysHealthCheck.Name);

        return builder;
    }
}
