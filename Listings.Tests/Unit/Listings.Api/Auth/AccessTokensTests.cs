using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Listings.Api.Auth;
using Listings.Tests.Infrastructure;

namespace Listings.Tests.Unit.Auth;

public sealed class AccessTokensTests
{
    private const string Secret = "0123456789abcdef0123456789abcdef";

    [Fact]
    public void MintedTokenIsAnHs256JwtWithTheSupabaseClaims()
    {
        var user = Guid.NewGuid();
        var now = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

        var parts = AccessTokens.Mint(Secret, user, TimeSpan.FromMinutes(60), clock: new FixedClock(now)).Split('.');

        Assert.Equal(3, parts.Length);
        var header = JsonNode.Parse(Base64Url.DecodeFromChars(parts[0]))!;
        var payload = JsonNode.Parse(Base64Url.DecodeFromChars(parts[1]))!;
        Assert.Equal("HS256", header["alg"]!.GetValue<string>());
        Assert.Equal(user.ToString(), payload["sub"]!.GetValue<string>());
        Assert.Equal("authenticated", payload["aud"]!.GetValue<string>());
        Assert.Equal("authenticated", payload["role"]!.GetValue<string>());
        Assert.Equal(now.ToUnixTimeSeconds(), payload["iat"]!.GetValue<long>());
        Assert.Equal(now.ToUnixTimeSeconds() + 3600, payload["exp"]!.GetValue<long>());

        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"));
        Assert.Equal(expected, Base64Url.DecodeFromChars(parts[2]));
    }

    [Fact]
    public void TheAudienceCanBeChosen()
    {
        var payload = Base64Url.DecodeFromChars(AccessTokens.Mint(Secret, Guid.NewGuid(), TimeSpan.FromMinutes(1), audience: "my-api").Split('.')[1]);

        Assert.Equal("my-api", JsonNode.Parse(payload)!["aud"]!.GetValue<string>());
    }

    [Fact]
    public void ALifetimeThatIsNotPositiveIsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => AccessTokens.Mint(Secret, Guid.NewGuid(), TimeSpan.Zero));
}
