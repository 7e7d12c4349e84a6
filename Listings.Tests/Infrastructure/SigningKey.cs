using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Listings.Tests.Infrastructure;

/// <summary>
/// A key pair as a Supabase project has for its JWT signing keys (ES256 on P-256, or RS256), with its <c>kid</c>: the
/// public half is published by <see cref="SigningKeyServer"/>, the private half signs tokens the way Supabase Auth does.
/// Only the BCL, so a token is exactly the bytes the test meant.
/// </summary>
public sealed class SigningKey : IDisposable
{
    private readonly AsymmetricAlgorithm _key;

    private SigningKey(string kid, string algorithm, AsymmetricAlgorithm key)
    {
        Kid = kid;
        Algorithm = algorithm;
        _key = key;
    }

    /// <summary>The key id, in the JWKS and in the header of the tokens it signs.</summary>
    public string Kid { get; }

    /// <summary><c>ES256</c> or <c>RS256</c>.</summary>
    public string Algorithm { get; }

    /// <summary>A new ES256 key (P-256), what Supabase recommends.</summary>
    public static SigningKey Es256(string kid) => new(kid, "ES256", ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>A new RS256 key (2048 bits).</summary>
    public static SigningKey Rs256(string kid) => new(kid, "RS256", RSA.Create(2048));

    /// <summary>The public key as a JWK, as Supabase publishes it.</summary>
    public Dictionary<string, string> PublicJwk()
    {
        var jwk = new Dictionary<string, string> { ["kid"] = Kid, ["alg"] = Algorithm, ["use"] = "sig" };
        switch (_key)
        {
            case ECDsa ec:
                var point = ec.ExportParameters(includePrivateParameters: false).Q;
                jwk["kty"] = "EC";
                jwk["crv"] = "P-256";
                jwk["x"] = Base64Url.EncodeToString(point.X);
                jwk["y"] = Base64Url.EncodeToString(point.Y);
                break;
            case RSA rsa:
                var parameters = rsa.ExportParameters(includePrivateParameters: false);
                jwk["kty"] = "RSA";
                jwk["n"] = Base64Url.EncodeToString(parameters.Modulus);
                jwk["e"] = Base64Url.EncodeToString(parameters.Exponent);
                break;
        }

        return jwk;
    }

    /// <summary>A token with <paramref name="payload"/>, signed with the private key, its header naming <see cref="Kid"/>.</summary>
    /// <param name="payload">The claims.</param>
    /// <param name="algorithm">The header's <c>alg</c>; this key's own unless a test lies about it.</param>
    public string Sign(object payload, string? algorithm = null)
    {
        var input = SigningInput(algorithm ?? Algorithm, payload);
        var data = Encoding.ASCII.GetBytes(input);
        var signature = _key switch
        {
            // JWS wants r || s, not the DER sequence .NET produces by default.
            ECDsa ec => ec.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation),
            RSA rsa => rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            _ => throw new InvalidOperationException(),
        };
        return $"{input}.{Base64Url.EncodeToString(signature)}";
    }

    /// <summary>
    /// The classic algorithm-confusion forgery: HS256 with this key's public half (its PEM, as anyone can download it)
    /// as the HMAC secret, the header naming <see cref="Kid"/>.
    /// </summary>
    public string ForgeHs256WithPublicKey(object payload)
    {
        var input = SigningInput("HS256", payload);
        var secret = Encoding.UTF8.GetBytes(_key.ExportSubjectPublicKeyInfoPem());
        return $"{input}.{Base64Url.EncodeToString(HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(input)))}";
    }

    public void Dispose() => _key.Dispose();

    private string SigningInput(string algorithm, object payload)
    {
        var header = JsonSerializer.SerializeToUtf8Bytes(new { alg = algorithm, typ = "JWT", kid = Kid });
        return $"{Base64Url.EncodeToString(header)}.{Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(payload))}";
    }
}
