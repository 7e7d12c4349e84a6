using Microsoft.OpenApi;

namespace Listings.Api.Reference;

/// <summary>The headers an operation's OpenAPI description adds beside what the endpoint metadata says.</summary>
internal static class OpenApiHeaders
{
    /// <summary>Adds the optional request header <paramref name="name"/>, a string unless <paramref name="schema"/> says more.</summary>
    public static void AddOptionalRequestHeader(this OpenApiOperation operation, string name, string description, OpenApiSchema? schema = null)
    {
        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = name,
            In = ParameterLocation.Header,
            Required = false,
            Description = description,
            Schema = schema ?? new OpenApiSchema { Type = JsonSchemaType.String },
        });
    }

    /// <summary>Adds the string response header <paramref name="name"/> to <paramref name="response"/>.</summary>
    public static void AddHeader(this OpenApiResponse response, string name, string description)
    {
        response.Headers ??= new Dictionary<string, IOpenApiHeader>();
        response.Headers[name] = new OpenApiHeader { Description = description, Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
    }
}
