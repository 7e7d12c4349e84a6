using Microsoft.AspNetCore.OpenApi;
using Listings.Api.Reference;
using Microsoft.OpenApi;

namespace Listings.Api.Idempotency;

/// <summary>Documents the optional <c>Idempotency-Key</c> header of the write endpoints in OpenAPI.</summary>
internal static class IdempotencyKeyOpenApi
{
    public static Task DescribeHeader(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        operation.AddOptionalRequestHeader(
            IdempotencyKey.HeaderName,
            "Makes the request safe to repeat: a repeat with the same key and the same request returns the first"
                + " answer (with Idempotent-Replayed: true) and writes nothing; the same key with a different request is a 422."
                + " Keys are per user: another user's identical key is another key."
                + " 1 to 255 visible ASCII characters, e.g. a UUID.",
            new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = IdempotencyKey.MaxLength });
        return Task.CompletedTask;
    }
}
