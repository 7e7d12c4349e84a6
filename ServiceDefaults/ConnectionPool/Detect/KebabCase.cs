using System.Text.Json;
using System.Text.Json.Serialization;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>Writes an enum as its member's kebab-case name.</summary>
public sealed class KebabCaseEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(JsonNamingPolicy.KebabCaseLower)
    where TEnum : struct, Enum;

/// <summary>The one spelling of enum names in JSON, logs and messages.</summary>
public static class KebabCase
{
    /// <summary>The kebab-case name of <paramref name="value"/>, e.g. <c>session-pooler-cap</c>.</summary>
    public static string Name<TEnum>(TEnum value) where TEnum : struct, Enum =>
        JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());
}
