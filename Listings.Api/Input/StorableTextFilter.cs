namespace Listings.Api.Input;

/// <summary>
/// Answers a 400 validation problem naming the parameter when a query-string or route value is not
/// <see cref="StorableText"/>, before the handler runs. JSON bodies have their own validator; the <c>Idempotency-Key</c>
/// header accepts visible ASCII only.
/// </summary>
public sealed class StorableTextFilter : IEndpointFilter
{
    /// <inheritdoc />
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        Dictionary<string, string[]>? errors = null;

        foreach (var (name, values) in request.Query)
        {
            if (!StorableText.IsStorable(name) || values.Any(value => !StorableText.IsStorable(value)))
            {
                Add(ref errors, name);
            }
        }

        foreach (var (name, value) in request.RouteValues)
        {
            if (value is string text && !StorableText.IsStorable(text))
            {
                Add(ref errors, name);
            }
        }

        return errors is null ? next(context) : ValueTask.FromResult<object?>(TypedResults.ValidationProblem(errors));
    }

    private static void Add(ref Dictionary<string, string[]>? errors, string name)
    {
        // A key may hold the NUL itself: the error names it with an escape, so the answer stays valid text.
        var shown = StorableText.IsStorable(name) ? name : Escape(name);
        (errors ??= [])[shown] = [$"The parameter '{shown}' {StorableText.Rule}"];
    }

    private static string Escape(string name) =>
        string.Concat(name.Select(c => c == '\0' || char.IsSurrogate(c) ? $"\\u{(int)c:X4}" : c.ToString()));
}
