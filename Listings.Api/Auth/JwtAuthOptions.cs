namespace Listings.Api.Auth;

/// <summary>
/// How the bearer tokens of writes are validated, bound from <see cref="SectionName"/>: HS256 tokens in the form
/// Supabase Auth issues (audience <c>authenticated</c>, the user id in <c>sub</c>).
/// </summary>
public sealed class JwtAuthOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Auth";

    /// <summary>The configuration key of <see cref="JwtSecret"/>.</summary>
    public const string JwtSecretKey = SectionName + ":" + nameof(JwtSecret);

    /// <summary>The environment variable that sets <see cref="JwtSecret"/>.</summary>
    public const string JwtSecretVariable = SectionName + "__" + nameof(JwtSecret);

    /// <summary>The shortest secret accepted, in UTF-8 bytes: HS256 needs a key of at least 256 bits.</summary>
    public const int MinSecretBytes = 32;

    /// <summary>The audience Supabase Auth puts in the tokens of signed-in users.</summary>
    public const string DefaultAudience = "authenticated";

    /// <summary>The longest <see cref="ClockSkewSeconds"/> accepted.</summary>
    public const int MaxClockSkewSeconds = 300;

    /// <summary>
    /// Gets or sets the secret tokens are signed with (HMAC-SHA256 over its UTF-8 bytes), at least
    /// <see cref="MinSecretBytes"/> bytes. For Supabase: Project Settings &gt; API &gt; JWT secret (legacy). Required;
    /// there is no default value. Never logged.
    /// </summary>
    public string? JwtSecret { get; set; }

    /// <summary>Gets or sets the audience (<c>aud</c>) a token must carry. The default value is <c>authenticated</c>.</summary>
    public string Audience { get; set; } = DefaultAudience;

    /// <summary>
    /// Gets or sets the issuer (<c>iss</c>) a token must carry, e.g. <c>https://&lt;project-ref&gt;.supabase.co/auth/v1</c>.
    /// The default value is <c>null</c>: the issuer is not checked.
    /// </summary>
    public string? Issuer { get; set; }

    /// <summary>
    /// Gets or sets how far the clocks of the token's issuer and this service may disagree when checking <c>exp</c>, in
    /// seconds, 0 to <see cref="MaxClockSkewSeconds"/>. The default value is 30 (the JWT handler's own default is 5 minutes,
    /// which keeps an expired token working that long).
    /// </summary>
    public int ClockSkewSeconds { get; set; } = 30;
}
