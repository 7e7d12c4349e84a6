namespace Listings.Tests.Infrastructure;

/// <summary>Assertions on HTTP responses shared by the integration tests.</summary>
public static class HttpAssertions
{
    /// <summary>Asserts an RFC 7807 problem-details response with <paramref name="status"/> and returns its body.</summary>
    public static async Task<ProblemJson> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status} but got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);

        var problem = System.Text.Json.JsonSerializer.Deserialize<ProblemJson>(body, System.Text.Json.JsonSerializerOptions.Web);
        Assert.NotNull(problem);
        Assert.Equal((int)status, problem.Status);
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        return problem;
    }
}
