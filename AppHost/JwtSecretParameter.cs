namespace Listings.AppHost;

/// <summary>
/// The secret the API checks HS256 bearer tokens with: the <c>jwt-secret</c> parameter. Set <c>Parameters:jwt-secret</c>
/// to a Supabase project's JWT secret to accept its tokens; unset, a development secret is generated and kept in the
/// AppHost's user secrets, so minted tokens keep working across runs.
/// </summary>
public static class JwtSecretParameter
{
    /// <summary>The parameter's name.</summary>
    public const string Name = "jwt-secret";

    /// <summary>The AppHost configuration key that sets the parameter.</summary>
    public const string ConfigurationKey = "Parameters:" + Name;

    /// <summary>The API's setting the parameter is passed to, as an environment variable.</summary>
    public const string ApiVariable = "Auth__JwtSecret";

    /// <summary>
    /// Adds the secret parameter. In run mode it defaults to 48 generated letters and digits (past HS256's 32 bytes, and
    /// nothing a shell would need quoted). The manifest asks the deployment for it: a made-up secret would start fine, then
    /// refuse every real Supabase token.
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddJwtSecret(this IDistributedApplicationBuilder builder) =>
        builder.ExecutionContext.IsRunMode
            ? builder.AddParameter(Name, new GenerateParameterDefault { MinLength = 48, Special = false }, secret: true, persist: true)
            : builder.AddParameter(Name, secret: true);

    /// <summary>Hands <paramref name="secret"/> to <paramref name="api"/> as <c>Auth:JwtSecret</c>.</summary>
    public static IResourceBuilder<ProjectResource> WithJwtSecret(
        this IResourceBuilder<ProjectResource> api, IResourceBuilder<ParameterResource> secret) =>
        api.WithEnvironment(ApiVariable, secret);
}
