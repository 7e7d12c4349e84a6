using System.Text.Json.Nodes;
using Listings.AppHost.Database;
using Listings.Tests.Infrastructure;

namespace Listings.Tests.Integration;

/// <summary>The API reference page (Scalar): served in Development, reading a document that lists every endpoint; off in Production.</summary>
[Collection(ListingsAppCollection.Name)]
public sealed class ApiReferenceTests(ListingsAppFixture fixture)
{
    [Fact]
    public async Task ReferencePageAnswersInDevelopmentAndItsDocumentListsEveryEndpointWithItsProblems()
    {
        using var client = fixture.CreateApiClient();

        var page = await client.GetAsync(Listings.Api.Reference.ApiReference.Path);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("openapi/v1.json", await page.Content.ReadAsStringAsync());

        var document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!;
        var operations = document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Select(operation => (Path: path.Key, Method: operation.Key, Operation: operation.Value!)))
            .ToList();
        Assert.Equal(
            ["DELETE /api/v1/listings/{id}", "GET /api/v1/listings", "GET /api/v1/listings/{id}", "POST /api/v1/listings", "PUT /api/v1/listings/{id}"],
            operations.Select(operation => $"{operation.Method.ToUpperInvariant()} {operation.Path}").Order(StringComparer.Ordinal));
        Assert.All(operations, operation => Assert.Contains(
            operation.Operation["responses"]!.AsObject(),
            response => response.Key.StartsWith('4') && response.Value!["content"]?["application/problem+json"] is not null));
        Assert.NotNull(document["components"]!["securitySchemes"]!["Bearer"]);

        // The dashboard links the page from the API's row.
        var api = await fixture.App.ResourceNotifications.WaitForResourceAsync("api", e => e.Snapshot.Urls.Length > 0);
        Assert.Contains(api.Snapshot.Urls, url => url.DisplayProperties.DisplayName == "API reference" && url.Url.EndsWith(Listings.AppHost.ApiReferenceExtensions.Path, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheOpenApiDocumentIsTheCommittedOne()
    {
        using var client = fixture.CreateApiClient();
        var served = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!.AsObject();
        // The server's address differs per run; everything else is the API's contract.
        served.Remove("servers");
        var golden = Path.Combine(RepositoryPaths.Root, "Listings.Tests", "Golden", "openapi-v1.json");

        var expected = JsonNode.Parse(await File.ReadAllTextAsync(golden))!;
        if (!JsonNode.DeepEquals(expected, served))
        {
            var actual = Path.Combine(Path.GetTempPath(), $"openapi-v1-{Guid.NewGuid():N}.json");
            await File.WriteAllTextAsync(actual, served.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
            Assert.Fail($"/openapi/v1.json differs from {golden}: the served one is in {actual}. A deliberate change of the API's contract copies it there.");
        }
    }

    [Fact]
    public async Task ReferencePageIsNotServedInProduction()
    {
        var port = FreePort.Next();
        await using var api = ApiProcess.Start(new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ConnectionStrings__listingsdb"] = (await fixture.App.GetConnectionStringAsync(ListingsDatabase.ResourceName))!,
        }, port);
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        // The OpenAPI document answering shows the API serves; the page does not.
        for (var attempt = 0; ; attempt++)
        {
            Assert.False(api.Process.HasExited, api.Text);
            try
            {
                if ((await client.GetAsync("/openapi/v1.json")).IsSuccessStatusCode)
                {
                    break;
                }
            }
            catch (HttpRequestException) when (attempt < 600)
            {
            }

            await Task.Delay(100);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(Listings.Api.Reference.ApiReference.Path)).StatusCode);
    }
}
