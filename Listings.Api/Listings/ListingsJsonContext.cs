using System.Text.Json;
using System.Text.Json.Serialization;

namespace Listings.Api.Listings;

/// <summary>
/// Serialization code generated at build time for the answers the read endpoints write: with options matching the
/// API's own (<see cref="ListingsApiExtensions.AddListingsApi"/>), a page is written straight to the response without
/// reflection-built metadata. Request bodies keep the reflection path and its strict checks.
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    NumberHandling = JsonNumberHandling.Strict,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(ListingPage))]
[JsonSerializable(typeof(ListingResponse))]
internal sealed partial class ListingsJsonContext : JsonSerializerContext;
