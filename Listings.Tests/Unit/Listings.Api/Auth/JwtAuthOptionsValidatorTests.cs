using Listings.Api.Auth;

namespace Listings.Tests.Unit.Auth;

public sealed class JwtAuthOptionsValidatorTests
{
    private const string GoodSecret = "0123456789abcdef0123456789abcdef";

    public static TheoryData<string?, string?> Secrets => new()
    {
        { null, "Auth:JwtSecret is not set (environment variable Auth__JwtSecret)" },
        { "", "Auth:JwtSecret is not set" },
        { "   ", "Auth:JwtSecret is not set" },
        { "0123456789abcdef0123456789abcde", "Auth:JwtSecret (environment variable Auth__JwtSecret) is 31 bytes long" },
        { GoodSecret, null },
        // 11 characters of 3 UTF-8 bytes each: 33 bytes, what HMAC is keyed with.
        { "€€€€€€€€€€€", null },
    };

    [Theory]
    [MemberData(nameof(Secrets))]
    public void SecretIsRequiredAndAtLeast32BytesAndTheMessageNamesTheKeyNotTheSecret(string? secret, string? failure)
    {
        var result = new JwtAuthOptionsValidator().Validate(null, new JwtAuthOptions { JwtSecret = secret });

        if (failure is null)
        {
            Assert.True(result.Succeeded, result.FailureMessage);
            return;
        }

        Assert.True(result.Failed);
        Assert.Contains(failure, result.FailureMessage);
        Assert.Contains("Project Settings > API > JWT secret (legacy)", result.FailureMessage);
        if (!string.IsNullOrWhiteSpace(secret))
        {
            Assert.DoesNotContain(secret, result.FailureMessage);
        }
    }

    public static TheoryData<JwtAuthOptions, string> OtherSettings => new()
    {
        { new JwtAuthOptions { JwtSecret = GoodSecret, Audience = "" }, "Auth:Audience is empty" },
        { new JwtAuthOptions { JwtSecret = GoodSecret, Issuer = "abcdefghijklmnop.supabase.co" }, "Auth:Issuer is 'abcdefghijklmnop.supabase.co', not an absolute URL" },
        { new JwtAuthOptions { JwtSecret = GoodSecret, ClockSkewSeconds = -1 }, "Auth:ClockSkewSeconds is -1; use 0 to 300" },
        { new JwtAuthOptions { JwtSecret = GoodSecret, ClockSkewSeconds = 301 }, "Auth:ClockSkewSeconds is 301" },
    };

    [Theory]
    [MemberData(nameof(OtherSettings))]
    public void OtherSettingsOutOfRangeFailNamingTheirKey(JwtAuthOptions options, string failure)
    {
        var result = new JwtAuthOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(failure, result.FailureMessage);
    }

    [Fact]
    public void DefaultsAcceptSupabaseTokensOnceTheSecretIsSet()
    {
        var options = new JwtAuthOptions { JwtSecret = GoodSecret, Issuer = "https://abcdefghijklmnop.supabase.co/auth/v1" };

        Assert.True(new JwtAuthOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal("authenticated", options.Audience);
        Assert.Equal(30, options.ClockSkewSeconds);
    }
}
