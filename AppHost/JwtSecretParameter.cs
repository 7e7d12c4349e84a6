namespace Listings.AppHost;

/// <summary>
/// The secret the API checks bearer tokens with: the <c>jwt-secret</c> parameter. Set <c>Parameters:jwt-secret</c> to
/// a Supabase project's JWT secret to accept that project's tokens; left unset, a development secret is generated on
/// the first run and saved to the AppHost's user secrets, so tokens minted with it keep working across runs.
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
    /// Adds the secret parameter. When running locally it has a generated default: 48 letters and digits (well past
    /// HS256's 32 bytes, and nothing a shell or a <c>.env</c> file would need quoted). When publishing it has none: the
    /// manifest asks the deployment for the secret (a secret input, never a value), because a deployment that made one up
    /// would start fine and then answer every real Supabase token with 401.
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
