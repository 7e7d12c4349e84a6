using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Listings.Api.Auth;

/// <summary>
/// Sets up the JWT bearer handler from the validated <see cref="JwtAuthOptions"/>: HS256 only with the configured secret,
/// <c>exp</c> required and checked, the audience checked, the issuer checked when configured, and a <c>sub</c> that is a UUID.
/// </summary>
internal sealed class ConfigureJwtBearerOptions(IOptions<JwtAuthOptions> auth) : IConfigureNamedOptions<JwtBearerOptions>
{
    public void Configure(string? name, JwtBearerOptions options)
    {
        if (name == JwtBearerDefaults.AuthenticationScheme)
        {
            Configure(options);
        }
    }

    public void Configure(JwtBearerOptions options)
    {
        var settings = auth.Value;

        // Claims keep their JWT names ('sub' stays 'sub'), as CurrentUser reads them.
        options.MapInboundClaims = false;
        options.TokenValidationParameters = new TokenValidationParameters
        {
            IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(settings.JwtSecret!)),
            ValidateIssuerSigningKey = true,
            RequireSignedTokens = true,
            // Only what Supabase signs with: no 'none', and no other algorithm a forged token might name.
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = TimeSpan.FromSeconds(settings.ClockSkewSeconds),
            ValidateAudience = true,
            ValidAudience = settings.Audience,
            ValidateIssuer = settings.Issuer is not null,
            ValidIssuer = settings.Issuer,
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
