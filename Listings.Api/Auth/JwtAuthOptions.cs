namespace Listings.Api.Auth;

/// <summary>
/// How the bearer tokens of writes are validated, bound from <see cref="SectionName"/>: tokens in the form Supabase Auth
/// issues (audience <c>authenticated</c>, the user id in <c>sub</c>), signed HS256 with the legacy <see cref="JwtSecret"/>,
/// ES256 or RS256 with the signing keys of the project at <see cref="SupabaseUrl"/>, or either during a migration.
/// </summary>
public sealed class JwtAuthOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Auth";

    /// <summary>The configuration key of <see cref="JwtSecret"/>.</summary>
    public const string JwtSecretKey = SectionName + ":" + nameof(JwtSecret);

    /// <summary>The environment variable that sets <see cref="JwtSecret"/>.</summary>
    public const string JwtSecretVariable = SectionName + "__" + nameof(JwtSecret);

    /// <summary>The configuration key of <see cref="SupabaseUrl"/>.</summary>
    public const string SupabaseUrlKey = SectionName + ":" + nameof(SupabaseUrl);

    /// <summary>The environment variable that sets <see cref="SupabaseUrl"/>.</summary>
    public const string SupabaseUrlVariable = SectionName + "__" + nameof(SupabaseUrl);

    /// <summary>
    /// The shortest <see cref="JwksRefreshIntervalSeconds"/>: Microsoft.IdentityModel refuses a scheduled refresh more
    /// often than every 5 minutes.
    /// </summary>
    public const int MinJwksRefreshIntervalSeconds = 300;

    /// <summary>The longest <see cref="JwksRefreshIntervalSeconds"/>: Supabase's edge caches the key set for 10 minutes.</summary>
    public const int MaxJwksRefreshIntervalSeconds = 600;

    /// <summary>The longest <see cref="JwksMinimumRefreshSeconds"/>.</summary>
    public const int MaxJwksMinimumRefreshSeconds = 600;

    /// <summary>The shortest secret accepted, in UTF-8 bytes: HS256 needs a key of at least 256 bits.</summary>
    public const int MinSecretBytes = 32;

    /// <summary>The audience Supabase Auth puts in the tokens of signed-in users.</summary>
    public const string DefaultAudience = "authenticated";

    /// <summary>The longest <see cref="ClockSkewSeconds"/> accepted.</summary>
    public const int MaxClockSkewSeconds = 300;

    /// <summary>
    /// Gets or sets the secret tokens are signed with (HMAC-SHA256 over its UTF-8 bytes), at least
    /// <see cref="MinSecretBytes"/> bytes. For Supabase: Project Settings &gt; API &gt; JWT secret (legacy). Required;
    /// this or <see cref="SupabaseUrl"/> (or both) must be set. The default value is <c>null</c>. Never logged.
    /// </summary>
    public string? JwtSecret { get; set; }

    /// <summary>
    /// Gets or sets the Supabase project's URL, e.g. <c>https://&lt;project-ref&gt;.supabase.co</c>: tokens signed ES256 or
    /// RS256 with one of the project's JWT signing keys are accepted, the keys read from
    /// <c>&lt;SupabaseUrl&gt;/auth/v1/.well-known/jwks.json</c> and chosen by <c>kid</c>, the issuer required to be
    /// <c>&lt;SupabaseUrl&gt;/auth/v1</c>. <c>https://</c>, or <c>http://</c> for a loopback host (local Supabase, tests).
    /// This or <see cref="JwtSecret"/> (or both) must be set. The default value is <c>null</c>.
    /// </summary>
    public string? SupabaseUrl { get; set; }

    /// <summary>
    /// Gets or sets how often the signing keys are fetched again on a schedule, in seconds,
    /// <see cref="MinJwksRefreshIntervalSeconds"/> to <see cref="MaxJwksRefreshIntervalSeconds"/>. The default value is 600.
    /// </summary>
    public int JwksRefreshIntervalSeconds { get; set; } = MaxJwksRefreshIntervalSeconds;

    /// <summary>
    /// Gets or sets the least time between two fetches of the signing keys out of schedule, in seconds, 1 to
    /// <see cref="MaxJwksMinimumRefreshSeconds"/>: a token naming an unknown <c>kid</c> asks for a fetch (a key rotated in),
    /// and a failed fetch is retried, no sooner than this, so a flood of forged <c>kid</c>s or an outage of the key endpoint
    /// cannot turn into a flood of fetches. The default value is 60.
    /// </summary>
    public int JwksMinimumRefreshSeconds { get; set; } = 60;

    /// <summary>Gets or sets the audience (<c>aud</c>) a token must carry. The default value is <c>authenticated</c>.</summary>
    public string Audience { get; set; } = DefaultAudience;

    /// <summary>
    /// Gets or sets the issuer (<c>iss</c>) a token must carry, e.g. <c>https://&lt;project-ref&gt;.supabase.co/auth/v1</c>.
    /// The default value is <c>null</c>: the issuer of HS256 tokens is not checked. Tokens verified with the signing keys
    /// of <see cref="SupabaseUrl"/> must always carry that project's issuer.
    /// </summary>
    public string? Issuer { get; set; }

    /// <summary>
    /// Gets or sets how far the clocks of the token's issuer and this service may disagree when checking <c>exp</c>, in
    /// seconds, 0 to <see cref="MaxClockSkewSeconds"/>. The default value is 30 (the JWT handler's own default is 5 minutes,
    /// which keeps an expired token working that long).
    /// </summary>
    public int ClockSkewSeconds { get; set; } = 30;
}
