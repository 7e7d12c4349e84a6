namespace Listings.Tests.Infrastructure;

/// <summary>An exception with every exception inside it, for asserting on a message however deep it was thrown.</summary>
public static class ExceptionChain
{
    /// <summary><paramref name="error"/>, its inner exceptions, and those of every <see cref="AggregateException"/> among them.</summary>
    public static IEnumerable<Exception> Flatten(Exception error)
    {
        for (Exception? current = error; current is not null; current = current.InnerException)
        {
            yield return current;
            if (current is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Flatten))
                {
                    yield return inner;
                }
            }
        }
    }
}
