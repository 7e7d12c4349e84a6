using Listings.Api.Auth;

namespace Listings.Tests.Unit.Auth;

public sealed class JwtAuthOptionsValidatorTests
{
    private const string GoodSecret = "0123456789abcdef0123456789abcdef";

    public static TheoryData<string?, string?> Secrets => new()
    {
        { null, "Neither Auth:SupabaseUrl nor Auth:JwtSecret is set (environment variables Auth__SupabaseUrl, Auth__JwtSecret)" },
        { "", "Neither Auth:SupabaseUrl nor Auth:JwtSecret is set" },
        { "   ", "Neither Auth:SupabaseUrl nor Auth:JwtSecret is set" },
        { "0123456789abcdef0123456789abcde", "Auth:JwtSecret (environment variable Auth__JwtSecret) is 31 bytes long" },
        { GoodSecret, null },
        // 11 characters of 3 UTF-8 bytes each: 33 bytes, what HMAC is keyed with.
        { "€€€€€€€€€€€", null },
    };

    [Theory]
    [MemberData(nameof(Secrets))]
    public void WithoutASupabaseUrlTheSecretIsRequiredAndAtLeast32BytesAndTheMessageNamesTheKeyNotTheSecret(string? secret, string? failure)
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
        { new JwtAuthOptions { JwtSecret = GoodSecret, JwksRefreshIntervalSeconds = 299 }, "Auth:JwksRefreshIntervalSeconds is 299; use 300 to 600" },
        { new JwtAuthOptions { JwtSecret = GoodSecret, JwksRefreshIntervalSeconds = 601 }, "Auth:JwksRefreshIntervalSeconds is 601" },
        { new JwtAuthOptions { JwtSecret = GoodSecret, JwksMinimumRefreshSeconds = 0 }, "Auth:JwksMinimumRefreshSeconds is 0; use 1 to 600" },
    };

    [Theory]
    [MemberData(nameof(OtherSettings))]
    public void OtherSettingsOutOfRangeFailNamingTheirKey(JwtAuthOptions options, string failure)
    {
        var result = new JwtAuthOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(failure, result.FailureMessage);
    }

    public static TheoryData<string, string?> SupabaseUrls => new()
    {
        { "https://abcdefghijklmnop.supabase.co", null },
        { "https://abcdefghijklmnop.supabase.co/", null },
        { "http://127.0.0.1:54321", null },
        { "http://localhost:54321", null },
        { "http://[::1]:54321", null },
        { "http://abcdefghijklmnop.supabase.co", "http:// is accepted only for a loopback host" },
        { "http://10.0.0.5:54321", "http:// is accepted only for a loopback host" },
        { "abcdefghijklmnop.supabase.co", "not an http(s) URL" },
        { "ftp://abcdefghijklmnop.supabase.co", "not an http(s) URL" },
        { "https://abcdefghijklmnop.supabase.co/?x=1", "with a query, fragment or user" },
    };

    [Theory]
    [MemberData(nameof(SupabaseUrls))]
    public void SupabaseUrlAloneWillDoWhenHttpsOrHttpOnALoopbackHostAndTheMessageNamesTheKeyAndTheFix(string url, string? failure)
    {
        var result = new JwtAuthOptionsValidator().Validate(null, new JwtAuthOptions { SupabaseUrl = url });

        if (failure is null)
        {
            Assert.True(result.Succeeded, result.FailureMessage);
            return;
        }

        Assert.True(result.Failed);
        Assert.Contains($"Auth:SupabaseUrl is '", result.FailureMessage);
        Assert.Contains(failure, result.FailureMessage);
        Assert.Contains("https://<project-ref>.supabase.co", result.FailureMessage);
    }

    [Fact]
    public void SecretAndSupabaseUrlTogetherAreAccepted()
    {
        var options = new JwtAuthOptions { JwtSecret = GoodSecret, SupabaseUrl = "https://abcdefghijklmnop.supabase.co" };

        Assert.True(new JwtAuthOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal(600, options.JwksRefreshIntervalSeconds);
        Assert.Equal(60, options.JwksMinimumRefreshSeconds);
    }

    [Fact]
    public void SupabaseUrlDoesNotExcuseAShortSecret()
    {
        var options = new JwtAuthOptions { JwtSecret = "short", SupabaseUrl = "https://abcdefghijklmnop.supabase.co" };

        Assert.Contains("is 5 bytes long", new JwtAuthOptionsValidator().Validate(null, options).FailureMessage);
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
