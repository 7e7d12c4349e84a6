using System.Security.Claims;
using Listings.Api.Auth;

namespace Listings.Tests.Unit.Auth;

public sealed class CurrentUserTests
{
    [Theory]
    [InlineData("8d7c3a5e-2f41-4b9a-9c1e-3f0a6b2d4e81", true)]
    [InlineData("8D7C3A5E-2F41-4B9A-9C1E-3F0A6B2D4E81", true)]
    [InlineData("00000000-0000-0000-0000-000000000000", false)]
    [InlineData("8d7c3a5e2f414b9a9c1e3f0a6b2d4e81", false)]
    [InlineData("{8d7c3a5e-2f41-4b9a-9c1e-3f0a6b2d4e81}", false)]
    [InlineData("user-42", false)]
    [InlineData("", false)]
    public void TheUserIdIsTheSubClaimWhenItIsAUuid(string sub, bool accepted)
    {
        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", sub)], "Bearer"));

        Assert.Equal(accepted, CurrentUser.TryGetId(user, out var id));
        Assert.Equal(accepted ? Guid.Parse(sub) : Guid.Empty, id);
    }

    [Fact]
    public void NoSubOrTwoSubsIsNoUser()
    {
        var none = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, Guid.NewGuid().ToString())], "Bearer"));
        var two = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", Guid.NewGuid().ToString()), new Claim("sub", Guid.NewGuid().ToString())], "Bearer"));

        Assert.False(CurrentUser.TryGetId(none, out _));
        Assert.False(CurrentUser.TryGetId(two, out _));
        Assert.Throws<InvalidOperationException>(() => CurrentUser.Id(none));
    }
}
