using System.Globalization;
using System.Security.Claims;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Listings.Api.Auth.RowLevelSecurity;

/// <summary>
/// The claims of a validated token as the JSON object policies read (<c>request.jwt.claims</c>, Supabase's
/// <c>auth.jwt()</c>; <c>auth.uid()</c> is its <c>sub</c>), rebuilt from the principal the bearer handler produced.
/// </summary>
public static class TokenClaims
{
    /// <summary>
    /// The claims of <paramref name="user"/> as a JSON object, their JSON types restored, with <c>role</c> set to
    /// <see cref="DatabaseRoles.Authenticated"/> whatever the token said: a token cannot claim <c>service_role</c> to a
    /// policy that reads <c>auth.jwt() -&gt;&gt; 'role'</c>.
    /// </summary>
    public static string Json(ClaimsPrincipal user)
    {
        var claims = new JsonObject();
        foreach (var group in user.Claims.GroupBy(claim => claim.Type, StringComparer.Ordinal))
        {
            var values = group.Select(Value).ToArray();
            claims[group.Key] = values.Length == 1 ? values[0] : new JsonArray(values);
        }

        claims["role"] = DatabaseRoles.Authenticated;
        return claims.ToJsonString();
    }

    // The bearer handler keeps a claim's JSON type in its ValueType: numbers, booleans, objects (app_metadata) and arrays.
    private static JsonNode? Value(Claim claim) => claim.ValueType switch
    {
        JsonClaimValueTypes.Json or JsonClaimValueTypes.JsonArray => JsonNode.Parse(claim.Value),
        JsonClaimValueTypes.JsonNull => null,
        ClaimValueTypes.Boolean when bool.TryParse(claim.Value, out var flag) => JsonValue.Create(flag),
        ClaimValueTypes.Integer or ClaimValueTypes.Integer32 or ClaimValueTypes.Integer64 or ClaimValueTypes.UInteger32
            when long.TryParse(claim.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) => JsonValue.Create(number),
        ClaimValueTypes.Double when double.TryParse(claim.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) => JsonValue.Create(real),
        _ => JsonValue.Create(claim.Value),
    };
}
