using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;

namespace Listings.Api.Auth.RowLevelSecurity;

/// <summary>Registers <see cref="RowLevelSecurityInterceptor"/> when <see cref="JwtAuthOptions.RowLevelSecurity"/> is on.</summary>
public static class RowLevelSecurityExtensions
{
    /// <summary>
    /// Reads <see cref="JwtAuthOptions.RowLevelSecurityKey"/> now (it decides what the database context is built with) and,
    /// when true, registers the interceptor as an <see cref="IInterceptor"/>, which the listings context adds, and
    /// <see cref="RowLevelSecurityHealthCheck"/>.
    /// </summary>
    /// <exception cref="OptionsValidationException">The setting is neither true nor false.</exception>
    public static void AddRowLevelSecurity(this IHostApplicationBuilder builder)
    {
        var value = builder.Configuration[JwtAuthOptions.RowLevelSecurityKey];
        if (!bool.TryParse(value ?? bool.FalseString, out var on))
        {
            throw new OptionsValidationException(JwtAuthOptions.SectionName, typeof(JwtAuthOptions),
                [$"{JwtAuthOptions.RowLevelSecurityKey} must be true or false; it is '{value}'."]);
        }

        if (on)
        {
            builder.Services.AddHttpContextAccessor();
            builder.Services.AddSingleton<IInterceptor, RowLevelSecurityInterceptor>();
            builder.Services.AddHealthChecks().AddCheck<RowLevelSecurityHealthCheck>(RowLevelSecurityHealthCheck.Name);
        }
    }
}
