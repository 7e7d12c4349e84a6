namespace Listings.Api.Caching;

/// <summary>
/// Whether this replica hears the other replicas' writes (<see cref="CacheInvalidationListener"/>): while it does not,
/// entries live at most <see cref="CacheOptions.MaxStaleSeconds"/>.
/// </summary>
public sealed class ListenerState
{
    private volatile bool _listening;

    /// <summary>True while the listener's <c>LISTEN</c> session is up.</summary>
    public bool IsListening => _listening;

    internal void Listening(bool listening) => _listening = listening;
}
