using Listings.Api.Auth.RowLevelSecurity;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;

namespace Listings.Api.Auth;

/// <summary>Registers bearer-token authentication for writes.</summary>
public static class AuthExtensions
{
    /// <summary>
    /// Adds <see cref="JwtAuthOptions"/> (validated at start), the JWT handlers of <see cref="BearerSchemes"/> behind a
    /// policy scheme that picks one by the token's algorithm, the signing keys' health check, and authorization.
    /// </summary>
    public static TBuilder AddListingsAuth<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<JwtAuthOptions>()
            .BindConfiguration(JwtAuthOptions.SectionName)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<JwtAuthOptions>, JwtAuthOptionsValidator>();
        builder.Services.AddSingleton<SupabaseSigningKeys>();

        // Both handlers are always registered: which one serves is read from the settings per request.
        // No default scheme to authenticate with: only the writes need a user, and their policy names the scheme
        // (WriteAccess), so an anonymous read runs neither the scheme selector nor a JWT handler.
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
        builder.AddRowLevelSecurity();

        return builder;
    }
}
