namespace Listings.Benchmarks.Faults.Load;

/// <summary>How a request failed without an HTTP answer, if it did.</summary>
public enum RequestFailure
{
    /// <summary>An HTTP answer came back (whatever its status).</summary>
    None,

    /// <summary>No answer within the client's per-request timeout: the API hung.</summary>
    Timeout,

    /// <summary>The connection to the API was refused or broken.</summary>
    Connection,
}
