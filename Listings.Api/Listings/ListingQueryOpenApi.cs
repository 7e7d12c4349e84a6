using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Listings.Api.Listings;

/// <summary>Documents the query parameters of <c>GET /api/v1/listings</c>, which <see cref="ListingQueryParser"/> reads by hand.</summary>
internal static class ListingQueryOpenApi
{
    public static Task DescribeQueryParameters(
        OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        operation.Parameters ??= [];
        operation.Parameters.Add(Integer(
            ListingQuery.PageParameter, "The 1-based page number.", ListingQuery.DefaultPage, ListingQuery.MaxPage));
        operation.Parameters.Add(Integer(
            ListingQuery.PageSizeParameter, "The number of listings per page.", ListingQuery.DefaultPageSize, ListingQuery.MaxPageSize));
        operation.Parameters.Add(Parameter(
            ListingQuery.CityParameter,
            "Only listings in exactly this city.",
            new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = Listing.MaxCityLength }));
        operation.Parameters.Add(Price(ListingQuery.MinPriceParameter, "Only listings priced at least this much."));
        operation.Parameters.Add(Price(ListingQuery.MaxPriceParameter, "Only listings priced at most this much."));
        operation.Parameters.Add(Parameter(
            ListingQuery.CursorParameter,
            "Keyset pagination: the nextCursor of the previous page. The page starts right after it, as fast deep in the"
                + " list as at its start; page, totalCount and totalPages are then omitted. Not together with page.",
            new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 64 }));
        return Task.CompletedTask;
    }

    private static OpenApiParameter Integer(string name, string description, int defaultValue, int maximum) =>
        Parameter(name, description, new OpenApiSchema
        {
            Type = JsonSchemaType.Integer,
            Format = "int32",
            Minimum = "1",
            Maximum = maximum.ToString(CultureInfo.InvariantCulture),
            Default = JsonValue.Create(defaultValue),
        });

    private static OpenApiParameter Price(string name, string description) =>
        Parameter(name, description, new OpenApiSchema { Type = JsonSchemaType.Number, Format = "decimal", Minimum = "0" });

    private static OpenApiParameter Parameter(string name, string description, OpenApiSchema schema) => new()
    {
        Name = name,
        In = ParameterLocation.Query,
        Description = description,
        Required = false,
        Schema = schema,
    };
}
