using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using Listings.Tests.Infrastructure;

namespace Listings.Tests.Integration;

/// <summary>
/// Property-based: generated query strings and JSON bodies against the real API. Whatever arrives, the answer is
/// a success or a 4xx problem-details answer, never a 5xx, and a refused write stores nothing. Inputs come from fixed
/// seeds under CI and random ones elsewhere (<see cref="PropertyCheck"/>).
/// </summary>
[Collection(ListingsAppCollection.Name)]
public sealed class BadInputPropertyTests(ListingsAppFixture fixture)
{
    private static readonly string[] QueryNames = ["page", "pageSize", "city", "minPrice", "maxPrice", "cursor", "other"];
    private static readonly string[] FieldNames = ["title", "description", "city", "price", "currency", "bedrooms", "bathrooms", "surfaceSquareMeters"];

    private static readonly Gen<string> AnyText = Gen.OneOf(
        Gen.Int.Select(i => i.ToString(CultureInfo.InvariantCulture)),
        Gen.Long.Select(l => l.ToString(CultureInfo.InvariantCulture)),
        Gen.Double.Select(d => d.ToString("R", CultureInfo.InvariantCulture)),
        Gen.String[0, 40],
        Pick("", " ", "0", "-1", "1e309", "NaN", "' OR 1=1 --", "\u0000", "Lyon\u0000", "\uD800", "a\uDC00b", "%00", "MTIzLjQ1", new string('9', 400)));

    // Inputs that once failed, by the seed a failure printed.
    private static readonly string[] QueryRegressions =
    [
        "cUBDGVWNKwJ1", // ?city=%00 was a 500: PostgreSQL refuses a NUL byte in text (SQLSTATE 22021).
    ];

    private readonly HttpClient _client = fixture.CreateUserClient();

    [Fact]
    public async Task NoQueryStringGetsAnythingButA200OrA400Problem()
    {
        var query = Gen.Select(Pick(QueryNames), AnyText).Array[0, 5];

        await PropertyCheck.SampleAsync(query, async pairs =>
        {
            var text = string.Join('&', pairs.Select(pair => $"{pair.Item1}={Uri.EscapeDataString(pair.Item2)}"));
            var response = await _client.GetAsync($"/api/v1/listings?{text}");

            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"{(int)response.StatusCode} for ?{text}");
            if (response.StatusCode == HttpStatusCode.BadRequest)
            {
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }, iterations: 150, pinned: QueryRegressions);
    }

    [Fact]
    public async Task NoBodyGetsA5xxAndARefusedBodyStoresNothing()
    {
        var value = Gen.OneOf(
            AnyText.Select(text => (JsonNode?)JsonValue.Create(text)),
            Gen.Int.Select(i => (JsonNode?)JsonValue.Create(i)),
            Gen.Double.Where(double.IsFinite).Select(d => (JsonNode?)JsonValue.Create(d)),
            Gen.Bool.Select(b => (JsonNode?)JsonValue.Create(b)),
            Gen.Const((JsonNode?)null),
            Gen.Const((JsonNode?)new JsonArray()),
            Gen.Const((JsonNode?)new JsonObject { ["nested"] = 1 }));
        var field = Gen.Select(Pick([.. FieldNames, "ownerId", "id"]), value);
        var body = field.Array[0, 10];

        await PropertyCheck.SampleAsync(body, async fields =>
        {
            var json = new JsonObject();
            foreach (var (name, fieldValue) in fields)
            {
                json[name] = fieldValue?.DeepClone();
            }


            var before = await CountAsync();
            var response = await _client.PostAsync(
                "/api/v1/listings", new StringContent(json.ToJsonString(), Encoding.UTF8, "application/json"));
            var after = await CountAsync();

            Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.BadRequest, $"{(int)response.StatusCode} for {json.ToJsonString()}");
            Assert.Equal(response.StatusCode == HttpStatusCode.Created ? before + 1 : before, after);
        }, iterations: 120);
    }

    private static Gen<string> Pick(params string[] choices) => Gen.Int[0, choices.Length - 1].Select(i => choices[i]);

    private async Task<long> CountAsync() =>
        (await _client.GetFromJsonAsync<ListingPageJson>("/api/v1/listings?pageSize=1"))!.TotalCount!.Value;
}
