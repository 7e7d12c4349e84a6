using System.Buffers;
using System.Buffers.Text;
using System.Reflection;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Metadata;

namespace Listings.Api.Listings;

/// <summary>
/// A 200 answer whose JSON is written by the writer <see cref="ListingsJsonContext"/> generated for its type, with the
/// escaping ASP.NET Core uses for response bodies (<see cref="JavaScriptEncoder.UnsafeRelaxedJsonEscaping"/>): the same
/// bytes <c>TypedResults.Ok</c> writes, which <c>ListingsJsonTests</c> proves.
/// </summary>
/// <remarks>
/// Through the app's JSON options System.Text.Json never runs a generated writer: it does so only for options without
/// a custom encoder and with a resolver chain whose every context was generated with the same options, and ASP.NET Core
/// sets the relaxed encoder and chains ProblemDetails' and OpenAPI's contexts (generated with
/// <c>RespectNullableAnnotations</c> off) before this one. It then writes a page member by member through its converters,
/// which costs the hottest request a measurable share of its CPU against <c>TypedResults.Ok</c>
/// (<c>benchmarks/README.md</c>, "What the read path keeps").
/// </remarks>
/// <typeparam name="T">The answer's type, one of <see cref="ListingsJsonContext"/>'s.</typeparam>
/// <param name="value">The answer.</param>
/// <param name="typeInfo">Its generated type information, from <see cref="ListingsJsonContext.Default"/>.</param>
public sealed class GeneratedJsonOk<T>(T value, JsonTypeInfo<T> typeInfo)
    : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<T>, IContentTypeHttpResult, IEndpointMetadataProvider
{
    private const string JsonContentType = "application/json; charset=utf-8";

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Gets the answer.</summary>
    public T Value => value;

    object? IValueHttpResult.Value => value;

    /// <inheritdoc />
    public int StatusCode => StatusCodes.Status200OK;

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    /// <inheritdoc />
    public string ContentType => JsonContentType;

    /// <summary>
    /// Writes the answer with a strong <c>ETag</c> (a hash of the bytes), its <c>Content-Length</c>, and
    /// <c>Cache-Control: no-cache</c>: clients and CDNs may keep it but ask again with <c>If-None-Match</c>, which the
    /// cache answers 304 without a database read. Output Caching stores a body only when it matches its length.
    /// </summary>
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var body = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(body, WriterOptions))
        {
            if (typeInfo.SerializeHandler is { } write)
            {
                write(writer, value);
            }
            else
            {
                JsonSerializer.Serialize(writer, value, typeInfo);
            }
        }

        var response = httpContext.Response;
        response.StatusCode = StatusCode;
        response.ContentType = JsonContentType;
        response.ContentLength = body.WrittenCount;
        response.Headers.ETag = ETagOf(body.WrittenSpan);
        response.Headers.CacheControl = "no-cache";
        await response.Body.WriteAsync(body.WrittenMemory, httpContext.RequestAborted);
    }

    // 128 bits of SHA-256, base64url, quoted: the same bytes always get the same tag, any change another one.
    private static string ETagOf(ReadOnlySpan<byte> body)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(body, hash);
        return $"\"{Base64Url.EncodeToString(hash[..16])}\"";
    }

    /// <summary>Describes the answer for OpenAPI, as <c>Ok&lt;T&gt;</c> does.</summary>
    /// <param name="method">The endpoint's handler.</param>
    /// <param name="builder">The endpoint's builder.</param>
    static void IEndpointMetadataProvider.PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(T), ["application/json"]));
}
