using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Reads settings that registration itself depends on. Settings read only once the app runs use
/// <c>AddOptions&lt;T&gt;().BindConfiguration(section).ValidateOnStart()</c> instead.
/// </summary>
public static class SettingsExtensions
{
    /// <summary>
    /// Binds and validates <paramref name="sectionName"/> now, and registers the result as <see cref="IOptions{TOptions}"/>,
    /// so the service reads the values registration used.
    /// </summary>
    /// <exception cref="OptionsValidationException">A setting is wrong; each failure names its key.</exception>
    public static TOptions BindSettingsNow<TOptions>(
        this IHostApplicationBuilder builder, string sectionName, IValidateOptions<TOptions> validator)
        where TOptions : class, new()
    {
        var options = builder.Configuration.GetSection(sectionName).Get<TOptions>() ?? new();
        var result = validator.Validate(Options.Options.DefaultName, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(sectionName, typeof(TOptions), result.Failures);
        }

        builder.Services.AddSingleton(Options.Options.Create(options));
        return options;
    }
}
