namespace Listings.Api.Auth;

/// <summary>
/// How the bearer tokens of writes are validated, bound from <see cref="SectionName"/>: tokens as Supabase Auth issues
/// them, signed HS256 with <see cref="JwtSecret"/>, ES256 or RS256 with the keys of <see cref="SupabaseUrl"/>, or either.
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

    /// <summary>The configuration key of <see cref="RowLevelSecurity"/>.</summary>
    public const string RowLevelSecurityKey = SectionName + ":" + nameof(RowLevelSecurity);

    /// <summary>The shortest <see cref="JwksRefreshIntervalSeconds"/>: Microsoft.IdentityModel refreshes no more often than every 5 minutes.</summary>
    public const int MinJwksRefreshIntervalSeconds = 300;

    /// <summary>
    /// The longest <see cref="JwksRefreshIntervalSeconds"/>: Supabase's edge caches the key set for 10 minutes
    /// (https://supabase.com/docs/guides/auth/signing-keys).
    /// </summary>
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
    /// Gets or sets the secret HS256 tokens are signed with, at least <see cref="MinSecretBytes"/> UTF-8 bytes (Supabase:
    /// Project Settings &gt; API &gt; JWT secret (legacy)). This or <see cref="SupabaseUrl"/> must be set. The default
    /// value is <c>null</c>. Never logged.
    /// </summary>
    public string? JwtSecret { get; set; }

    /// <summary>
    /// Gets or sets the Supabase project's URL (<c>https://&lt;project-ref&gt;.supabase.co</c>), whose signing keys verify
    /// ES256 and RS256 tokens; <c>http://</c> only for a loopback host. This or <see cref="JwtSecret"/> must be set. The
    /// default value is <c>null</c>.
    /// </summary>
    public string? SupabaseUrl { get; set; }

    /// <summary>
    /// Gets or sets how often the signing keys are fetched on a schedule, in seconds, <see cref="MinJwksRefreshIntervalSeconds"/>
    /// to <see cref="MaxJwksRefreshIntervalSeconds"/>. The default value is 600.
    /// </summary>
    public int JwksRefreshIntervalSeconds { get; set; } = MaxJwksRefreshIntervalSeconds;

    /// <summary>
    /// Gets or sets the least time between two unscheduled fetches of the signing keys (an unknown <c>kid</c>, a retry after
    /// a failure), in seconds, 1 to <see cref="MaxJwksMinimumRefreshSeconds"/>, so forged <c>kid</c>s or a key-endpoint
    /// outage cannot cause a flood of fetches. The default value is 60.
    /// </summary>
    public int JwksMinimumRefreshSeconds { get; set; } = 60;

    /// <summary>Gets or sets the audience (<c>aud</c>) a token must carry. The default value is <c>authenticated</c>.</summary>
    public string Audience { get; set; } = DefaultAudience;

    /// <summary>
    /// Gets or sets the issuer (<c>iss</c>) an HS256 token must carry. The default value is <c>null</c>: the issuer of HS256
    /// tokens is not checked. Tokens verified with the keys of <see cref="SupabaseUrl"/> must carry that project's issuer.
    /// </summary>
    public string? Issuer { get; set; }

    /// <summary>
    /// Gets or sets how far the issuer's clock and this service's may disagree when checking <c>exp</c>, in seconds, 0 to
    /// <see cref="MaxClockSkewSeconds"/>. The default value is 30 (the JWT handler's own default is 5 minutes,
    /// which keeps an expired token working that long).
    /// </summary>
    public int ClockSkewSeconds { get; set; } = 30;

    /// <summary>
    /// Gets or sets whether the database's row-level security decides too: each write runs as the role
    /// <c>authenticated</c> with the token's claims in <c>request.jwt.claims</c> for its transaction, each read as
    /// <c>anon</c>, as Supabase's Data API does, so the table's policies hold under the API's own ownership check. The
    /// default value is <c>false</c>: the API runs as its login, the tables' owner, which policies do not bind.
    /// </summary>
    public bool RowLevelSecurity { get; set; }
}
