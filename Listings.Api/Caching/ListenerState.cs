namespace Listings.Api.Caching;

/// <summary>
/// How recently this replica has heard every other replica's writes (<see cref="CacheInvalidationListener"/>): an entry is
/// served only while the listener has confirmed within <see cref="CacheOptions.MaxStaleSeconds"/> that it has evicted for
/// every write committed before, or while the entry itself is younger than that.
/// </summary>
public sealed class ListenerState(TimeProvider clock)
{
    private volatile bool _listening;
    private long _heardAt;

    /// <summary>True while the listener's <c>LISTEN</c> session is up.</summary>
    public bool IsListening => _listening;

    /// <summary>
    /// True when the listener has confirmed, within <paramref name="bound"/>, that every write committed before then has been
    /// evicted for.
    /// </summary>
    public bool HeardWithin(TimeSpan bound) =>
        _listening && Interlocked.Read(ref _heardAt) is var heardAt and not 0 && clock.GetElapsedTime(heardAt) <= bound;

    internal void Listening(bool listening) => _listening = listening;

    /// <summary>Every write committed before <paramref name="timestamp"/> (a <see cref="TimeProvider"/> timestamp) has been evicted for.</summary>
    internal void Heard(long timestamp) => Interlocked.Exchange(ref _heardAt, timestamp);
}
