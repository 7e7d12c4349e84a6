using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Listings.Api.Consistency;

/// <summary>Documents the <c>Listings-Consistency</c> header in OpenAPI: sent back on reads, answered by writes.</summary>
internal static class ConsistencyTokenOpenApi
{
    public static Task DescribeReadHeader(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = ConsistencyToken.HeaderName,
            In = ParameterLocation.Header,
            Required = false,
            Description = "The token a write answered with: the read then shows that write (and everything before it), even when"
                + " read replicas serve the reads. Without it, a read may be up to ReadReplicas:MaxLagSeconds old.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 11, MaxLength = 11 },
        });
        return Task.CompletedTask;
    }

    public static Task DescribeWriteHeader(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var (status, response) in operation.Responses ?? [])
        {
            if (status.StartsWith('2') && response is OpenApiResponse answer)
            {
                answer.Headers ??= new Dictionary<string, IOpenApiHeader>();
                answer.Headers[ConsistencyToken.HeaderName] = new OpenApiHeader
                {
                    Description = "Send it back as the Listings-Consistency header of later reads to see this write.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                };
            }
        }

        return Task.CompletedTask;
    }
}
