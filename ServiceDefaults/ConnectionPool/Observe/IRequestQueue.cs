namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// Requests held in front of the pool, whose wait is connection demand too; admission implements it, so the observers
/// never depend on admission.
/// </summary>
public interface IRequestQueue
{
    /// <summary>Requests allowed to do database work at once.</summary>
    int MaxConcurrency { get; }

    /// <summary>Requests doing database work now.</summary>
    int InFlight { get; }

    /// <summary>Requests waiting now.</summary>
    int QueueLength { get; }
}
