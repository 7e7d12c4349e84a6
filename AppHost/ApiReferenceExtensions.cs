namespace Listings.AppHost;

/// <summary>Links the API's reference page from its row in the dashboard.</summary>
public static class ApiReferenceExtensions
{
    /// <summary>The path the API serves its reference page at in Development (Scalar, reading <c>/openapi/v1.json</c>).</summary>
    public const string Path = "/scalar";

    /// <summary>Adds an "API reference" link to <paramref name="api"/> in run mode; a deployment runs in Production, without the page.</summary>
    public static IResourceBuilder<ProjectResource> WithApiReference(this IResourceBuilder<ProjectResource> api) =>
        api.ApplicationBuilder.ExecutionContext.IsRunMode
            ? api.WithUrlForEndpoint("http", _ => new ResourceUrlAnnotation { Url = Path, DisplayText = "API reference" })
            : api;
}
