using System.Security.Claims;

namespace Listings.Api.Auth;

/// <summary>Reads the signed-in user's id: the <c>sub</c> claim of the bearer token, a UUID as Supabase Auth issues it.</summary>
public static class CurrentUser
{
    /// <summary>The claim that carries the user id, kept under its JWT name (inbound claim mapping is off).</summary>
    public const string SubjectClaim = "sub";

    /// <summary>Reads the user id: false when <paramref name="user"/> has no single <c>sub</c> claim holding a UUID.</summary>
    public static bool TryGetId(ClaimsPrincipal? user, out Guid id)
    {
        id = Guid.Empty;
        var subjects = user?.FindAll(SubjectClaim).ToList();
        return subjects is [var subject] && Guid.TryParseExact(subject.Value, "D", out id) && id != Guid.Empty;
    }

    /// <summary>The user id of an authenticated request; token validation refused any other token.</summary>
    /// <exception cref="InvalidOperationException">The endpoint does not require authorization.</exception>
    public static Guid Id(ClaimsPrincipal user) => TryGetId(user, out var id)
        ? id
        : throw new InvalidOperationException("The request has no user id: the endpoint must require authorization.");
}
