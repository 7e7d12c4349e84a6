using Microsoft.Extensions.Configuration;

namespace Listings.AppHost;

/// <summary>
/// The Supabase project whose signing keys (ES256, RS256) verify the API's tokens: the <c>supabase-url</c> parameter, e.g.
/// <c>https://&lt;project-ref&gt;.supabase.co</c>. Optional and not secret: unset, only tokens signed with
/// <see cref="JwtSecretParameter"/> are accepted.
/// </summary>
public static class SupabaseUrlParameter
{
    /// <summary>The parameter's name.</summary>
    public const string Name = "supabase-url";

    /// <summary>The AppHost configuration key that sets the parameter.</summary>
    public const string ConfigurationKey = "Parameters:" + Name;

    /// <summary>The API's setting the parameter is passed to, as an environment variable.</summary>
    public const string ApiVariable = "Auth__SupabaseUrl";

    /// <summary>
    /// Adds the parameter, empty unless <c>Parameters:supabase-url</c> is set, so a run never stops to ask for it; in the
    /// manifest, an input with that default.
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddSupabaseUrl(this IDistributedApplicationBuilder builder) =>
        builder.AddParameter(Name, () => builder.Configuration[ConfigurationKey] ?? "", publishValueAsDefault: true);

    /// <summary>Hands <paramref name="supabaseUrl"/> to <paramref name="api"/> as <c>Auth:SupabaseUrl</c>.</summary>
    public static IResourceBuilder<ProjectResource> WithSupabaseUrl(
        this IResourceBuilder<ProjectResource> api, IResourceBuilder<ParameterResource> supabaseUrl) =>
        api.WithEnvironment(ApiVariable, supabaseUrl);
}
