namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// Requests held in front of the pool, whose wait is connection demand too. Admission control implements it and
/// registers itself as one; the pool's observers read it here and so never depend on admission control.
/// </summary>
public interface IRequestQueue
{
    /// <summary>Requests allowed to do database work at once.</summary>
    int MaxConcurrency { get; }

    /// <summary>Requests doing database work now.</summary>
    int InFlight { get; }

    /// <summary>Requests waiting for their turn now.</summary>
    int QueueLength { get; }
}
