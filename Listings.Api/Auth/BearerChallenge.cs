using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Listings.Api.Auth;

/// <summary>
/// Answers a write without a valid bearer token with 401 problem details and <c>WWW-Authenticate: Bearer</c>, for either
/// scheme of <see cref="BearerSchemes"/>. The detail says what is wrong in words of its own, never the validator's
/// message, which could quote the token, the key id or configuration.
/// </summary>
internal static class BearerChallenge
{
    /// <summary>The failure of a token whose <c>sub</c> is not a user id.</summary>
    public const string SubjectNotAUserId = "The bearer token's sub claim is not a user id (a UUID).";

    /// <summary>Writes the 401 answer; the JWT handler writes nothing more.</summary>
    public static async Task WriteAsync(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        var failure = context.AuthenticateFailure;
        var detail = Describe(context, failure);

        // RFC 6750: no error code when the request carried no token, invalid_token when it carried a bad one.
        context.Response.Headers.WWWAuthenticate = failure is null
            ? JwtBearerDefaults.AuthenticationScheme
            : $"{JwtBearerDefaults.AuthenticationScheme} error=\"invalid_token\", error_description=\"{detail}\"";

        await TypedResults.Problem(
            statusCode: StatusCodes.Status401Unauthorized,
            title: "Unauthorized",
            detail: detail).ExecuteAsync(context.HttpContext);
    }

    private static string Describe(JwtBearerChallengeContext context, Exception? failure)
    {
        if (failure is null)
        {
            return "This operation needs a bearer token: send 'Authorization: Bearer <access token>'.";
        }

        var settings = context.HttpContext.RequestServices.GetRequiredService<IOptions<JwtAuthOptions>>().Value;
        // Decided here rather than from the exception: an algorithm the handler does not accept (HS512, none) fails as a
        // key that was not found or a signature that does not verify, depending on the token.
        if (BearerSchemes.Algorithm(context.Request) is { } algorithm
            && context.Options.TokenValidationParameters.ValidAlgorithms?.Contains(algorithm) != true)
        {
            return $"The bearer token's algorithm (alg) is not accepted here: it must be {BearerSchemes.Accepted(settings)}.";
        }

        var bySigningKeys = context.Scheme.Name == BearerSchemes.SigningKeys;
        return failure switch
        {
            AuthenticationFailureException { Message: SubjectNotAUserId } => SubjectNotAUserId,
            SecurityTokenExpiredException => "The bearer token has expired.",
            SecurityTokenNotYetValidException => "The bearer token is not valid yet.",
            SecurityTokenNoExpirationException => "The bearer token has no expiry (exp).",
            SecurityTokenInvalidAudienceException => "The bearer token was issued for another audience.",
            SecurityTokenInvalidIssuerException => bySigningKeys
                ? "The bearer token was issued by another issuer: it must be this Supabase project's Auth (<project URL>/auth/v1)."
                : "The bearer token was issued by another issuer.",
            SecurityTokenSignatureKeyNotFoundException when bySigningKeys && SigningKeys(context).Status.FetchedAt is null =>
                "The bearer token cannot be checked now: the Supabase project's signing keys could not be fetched and none"
                + " are cached. Try again later.",
            SecurityTokenSignatureKeyNotFoundException when bySigningKeys =>
                "The bearer token's key id (kid) is not one of the Supabase project's signing keys (unknown key).",
            SecurityTokenInvalidAlgorithmException or SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException =>
                bySigningKeys
                    ? "The bearer token's signature does not verify with the Supabase project's signing key it names."
                    : "The bearer token's signature does not verify: it must be HS256, signed with this service's secret.",
            // A token that is not three base64url parts fails to decode (ArgumentException, IDX14102 and the like).
            SecurityTokenMalformedException or ArgumentException => "The bearer token is not a well-formed JWT.",
            _ => "The bearer token is not valid.",
        };
    }

    private static SupabaseSigningKeys SigningKeys(JwtBearerChallengeContext context) =>
        context.HttpContext.RequestServices.GetRequiredService<SupabaseSigningKeys>();
}
