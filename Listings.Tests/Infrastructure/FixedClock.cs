namespace Listings.Tests.Infrastructure;

/// <summary>A clock stopped at one moment, to mint tokens as of another time.</summary>
public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => now;
}
