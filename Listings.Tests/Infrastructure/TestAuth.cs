using System.Net.Http.Headers;
using Listings.Api.Auth;

namespace Listings.Tests.Infrastructure;

/// <summary>The JWT secret every API under test is given, and bearer tokens signed with it.</summary>
public static class TestAuth
{
    /// <summary>The secret the fixture's AppHost (<c>Parameters:jwt-secret</c>) and <see cref="ApiProcess"/> (<c>Auth__JwtSecret</c>) use.</summary>
    public const string Secret = "listings-tests-only-jwt-secret-4f1c9b2e7a6d";

    /// <summary>A valid token for <paramref name="userId"/>, good for an hour.</summary>
    public static string TokenFor(Guid userId) => AccessTokens.Mint(Secret, userId, TimeSpan.FromHours(1));

    /// <summary>Makes <paramref name="client"/> send a token for <paramref name="userId"/> (a fresh user when null) with every request.</summary>
    public static HttpClient SignIn(this HttpClient client, Guid? userId = null)
    {
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TokenFor(userId ?? Guid.NewGuid()));
        return client;
    }
}
