using Microsoft.AspNetCore.OpenApi;
using Listings.Api.Reference;
using Microsoft.OpenApi;

namespace Listings.Api.Caching;

/// <summary>Documents a public read's conditional request in OpenAPI: <c>If-None-Match</c>, <c>ETag</c>, <c>Cache-Control</c> and 304.</summary>
internal static class CachedReadsOpenApi
{
    public static Task Describe(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        operation.AddOptionalRequestHeader(
            "If-None-Match", "The ETag of an earlier answer: when it is still current the answer is 304 Not Modified, without a body.");
        operation.Responses ??= [];
        if (operation.Responses.TryGetValue("200", out var ok) && ok is OpenApiResponse answer)
        {
            answer.AddHeader("ETag", "A strong entity tag of the body: the same bytes always get the same tag.");
            answer.AddHeader("Cache-Control", "no-cache: a client or CDN may keep the answer, and revalidates it with If-None-Match before each use.");
        }

        operation.Responses["304"] = new OpenApiResponse { Description = "Not Modified: the If-None-Match tag is current." };
        return Task.CompletedTask;
    }
}
