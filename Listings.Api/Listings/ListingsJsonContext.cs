using System.Text.Json;
using System.Text.Json.Serialization;

namespace Listings.Api.Listings;

/// <summary>
/// Serialization code generated at build time for the answers the read endpoints write, with options matching the
/// API's own (<see cref="ListingsApiExtensions.AddListingsApi"/>). <see cref="GeneratedJsonOk{T}"/> runs its generated
/// writers; request bodies keep the reflection path and its strict checks.
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    NumberHandling = JsonNumberHandling.Strict,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(ListingPage))]
[JsonSerializable(typeof(ListingResponse))]
public sealed partial class ListingsJsonContext : JsonSerializerContext;
