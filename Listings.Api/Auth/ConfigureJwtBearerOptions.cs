using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Listings.Api.Auth;

/// <summary>
/// Sets up the two JWT handlers of <see cref="BearerSchemes"/>: both require <c>exp</c>, the audience and a UUID
/// <c>sub</c>; only the signing-keys handler always checks the issuer.
/// </summary>
internal sealed class ConfigureJwtBearerOptions(IOptions<JwtAuthOptions> auth, SupabaseSigningKeys signingKeys)
    : IConfigureNamedOptions<JwtBearerOptions>
{
    public void Configure(string? name, JwtBearerOptions options)
    {
        var settings = auth.Value;
        switch (name)
        {
            case BearerSchemes.Secret when !string.IsNullOrWhiteSpace(settings.JwtSecret):
                Configure(options, settings);
                options.TokenValidationParameters.IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(settings.JwtSecret));
                options.TokenValidationParameters.ValidAlgorithms = BearerSchemes.SecretAlgorithms;
                options.TokenValidationParameters.ValidateIssuer = settings.Issuer is not null;
                options.TokenValidationParameters.ValidIssuer = settings.Issuer;
                break;
            case BearerSchemes.SigningKeys when signingKeys.Manager is not null:
                Configure(options, settings);
                // The handler asks the manager for the keys on each token, and for a refresh when a kid is unknown.
                options.ConfigurationManager = signingKeys.Manager;
                options.RefreshOnIssuerKeyNotFound = true;
                options.TokenValidationParameters.ValidAlgorithms = BearerSchemes.SigningKeyAlgorithms;
                options.TokenValidationParameters.ValidateIssuer = true;
                options.TokenValidationParameters.ValidIssuer = SupabaseAuthUrls.Issuer(settings.SupabaseUrl!);
                break;
        }
    }

    public void Configure(JwtBearerOptions options) => Configure(Options.DefaultName, options);

    private static void Configure(JwtBearerOptions options, JwtAuthOptions settings)
    {
        // Claims keep their JWT names ('sub' stays 'sub'), as CurrentUser reads them.
        options.MapInboundClaims = false;
        options.TokenValidationParameters = new TokenValidationParameters
        {
            ValidateIssuerSigningKey = true,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = TimeSpan.FromSeconds(settings.ClockSkewSeconds),
            ValidateAudience = true,
            ValidAudience = settings.Audience,
            NameClaimType = CurrentUser.SubjectClaim,
            RoleClaimType = "role",
        };
        options.Events = new JwtBearerEvents
        {
            OnTokenValidated = context =>
            {
                if (!CurrentUser.TryGetId(context.Principal, out _))
                {
                    context.Fail(BearerChallenge.SubjectNotAUserId);
                }

                return Task.CompletedTask;
            },
            OnChallenge = BearerChallenge.WriteAsync,
        };
    }
}
