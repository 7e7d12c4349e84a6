using Microsoft.AspNetCore.OpenApi;
using Listings.Api.Reference;
using Microsoft.OpenApi;

namespace Listings.Api.Consistency;

/// <summary>Documents the <c>Listings-Consistency</c> header in OpenAPI: sent back on reads, answered by writes.</summary>
internal static class ConsistencyTokenOpenApi
{
    public static Task DescribeReadHeader(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        operation.AddOptionalRequestHeader(
            ConsistencyToken.HeaderName,
            "The token a write answered with: the read then shows that write (and everything before it), even when"
                + " read replicas serve the reads. Without it, a read may be up to ReadReplicas:MaxLagSeconds old.",
            new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 11, MaxLength = 11 });
        return Task.CompletedTask;
    }

    public static Task DescribeWriteHeader(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var (status, response) in operation.Responses ?? [])
        {
            if (status.StartsWith('2') && response is OpenApiResponse answer)
            {
                answer.AddHeader(ConsistencyToken.HeaderName, "Send it back as the Listings-Consistency header of later reads to see this write.");
            }
        }

        return Task.CompletedTask;
    }
}
