using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace Listings.Api.Auth;

/// <summary>
/// Answers a write without a valid bearer token with 401 problem details and <c>WWW-Authenticate: Bearer</c>, instead
/// of the handler's empty body. The detail says what is wrong with the token in words of its own, never the validator's
/// message, which could quote the token, the key id or configuration.
/// </summary>
internal static class BearerChallenge
{
    /// <summary>The failure a token whose <c>sub</c> is not a user id gets, set when the token is validated.</summary>
    public const string SubjectNotAUserId = "The bearer token's sub claim is not a user id (a UUID).";

    /// <summary>Writes the 401 answer; the JWT handler writes nothing more.</summary>
    public static async Task WriteAsync(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        var failure = context.AuthenticateFailure;
        var detail = Describe(failure);

        // RFC 6750: no error code when the request carried no token, invalid_token when it carried a bad one.
        context.Response.Headers.WWWAuthenticate = failure is null
            ? JwtBearerDefaults.AuthenticationScheme
            : $"{JwtBearerDefaults.AuthenticationScheme} error=\"invalid_token\", error_description=\"{detail}\"";

        await TypedResults.Problem(
            statusCode: StatusCodes.Status401Unauthorized,
            title: "Unauthorized",
            detail: detail).ExecuteAsync(context.HttpContext);
    }

    private static string Describe(Exception? failure) => failure switch
    {
        null => "This operation needs a bearer token: send 'Authorization: Bearer <access token>'.",
        AuthenticationFailureException { Message: SubjectNotAUserId } => SubjectNotAUserId,
        SecurityTokenExpiredException => "The bearer token has expired.",
        SecurityTokenNotYetValidException => "The bearer token is not valid yet.",
        SecurityTokenNoExpirationException => "The bearer token has no expiry (exp).",
        SecurityTokenInvalidAudienceException => "The bearer token was issued for another audience.",
        SecurityTokenInvalidIssuerException => "The bearer token was issued by another issuer.",
        // Another algorithm (HS512, none) fails as a key that was not found: one answer covers both causes.
        SecurityTokenInvalidAlgorithmException or SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException =>
            "The bearer token's signature does not verify: it must be HS256, signed with this service's secret.",
        // A token that is not three base64url parts fails to decode (ArgumentException, IDX14102 and the like).
        SecurityTokenMalformedException or ArgumentException => "The bearer token is not a well-formed JWT.",
        _ => "The bearer token is not valid.",
    };
}
