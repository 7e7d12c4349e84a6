namespace Listings.Tests.Infrastructure;

/// <summary>Waits for a condition by asking again every 100 ms: tests assert on what happens, not on how fast.</summary>
public static class Poll
{
    /// <summary>Returns once <paramref name="condition"/> holds; fails naming <paramref name="what"/> after 30 s.</summary>
    public static Task UntilAsync(Func<Task<bool>> condition, string what) => UntilAsync(condition, what, TimeSpan.FromSeconds(30));

    /// <summary>Returns once <paramref name="condition"/> holds; fails naming <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"Timed out waiting for {what}.");
    }
}
