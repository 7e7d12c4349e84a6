using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Listings.ServiceDefaults;

namespace Listings.Api.Caching;

/// <summary>Checks each <see cref="RangeAttribute"/> of <see cref="CacheOptions"/>; every message names the key.</summary>
public sealed class CacheOptionsValidator() : SettingsValidator<CacheOptions>(Check)
{
    /// <summary>The problems with <paramref name="options"/>, empty when there are none.</summary>
    public static List<string> Check(CacheOptions options) =>
    [
        .. typeof(CacheOptions).GetProperties()
            .Select(property => (property, range: property.GetCustomAttributes(typeof(RangeAttribute), false).OfType<RangeAttribute>().FirstOrDefault()))
            .Where(setting => setting.range is not null && !setting.range.IsValid(setting.property.GetValue(options)))
            .Select(setting => string.Create(CultureInfo.InvariantCulture,
                $"{CacheOptions.SectionName}:{setting.property.Name} is {setting.property.GetValue(options)}: use a whole number from {setting.range!.Minimum} to {setting.range.Maximum}.")),
    ];
}
