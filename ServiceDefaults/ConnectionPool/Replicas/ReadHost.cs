using System.Globalization;
using Npgsql;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>One read replica as the service runs it: its plan, its pool, and what the lag monitor knows of it.</summary>
public sealed class ReadHost : IAsyncDisposable
{
    private TaskCompletionSource _wake = NewSignal();
    private long _reads;
    private TaskCompletionSource _reading = NewSignal();

    /// <summary>A read host on <paramref name="plan"/>, served by <paramref name="dataSource"/> (which it disposes).</summary>
    public ReadHost(ConnectionPlan plan, NpgsqlDataSource dataSource, PoolUsage usage, LoginBackoff logins, ReplicaState state)
    {
        Plan = plan;
        DataSource = dataSource;
        Usage = usage;
        Logins = logins;
        State = state;
        Name = string.Create(CultureInfo.InvariantCulture, $"{plan.Host}:{plan.Port}");
        Tags = ReplicaMetrics.HostTags(plan);
    }

    /// <summary>The host's plan.</summary>
    public ConnectionPlan Plan { get; }

    /// <summary><c>host:port</c>, as the metrics, logs and <c>/health</c> name it.</summary>
    public string Name { get; }

    /// <summary>The host's pool: its reads and the lag monitor's one connection.</summary>
    public NpgsqlDataSource DataSource { get; }

    /// <summary>The host's pool as its reads use it.</summary>
    public PoolUsage Usage { get; }

    /// <summary>The pause after a refused login, shared by the host's reads and its lag monitor.</summary>
    public LoginBackoff Logins { get; }

    /// <summary>What the lag monitor knows.</summary>
    public ReplicaState State { get; }

    /// <summary>The reads this host has served since the service started.</summary>
    public long Reads => Interlocked.Read(ref _reads);

    /// <summary>The metric tags naming the host and its role.</summary>
    internal KeyValuePair<string, object?>[] Tags { get; }

    /// <summary>Counts a read this host served, in <see cref="Reads"/> and in <see cref="ReplicaMetrics.Reads"/>.</summary>
    internal void Served()
    {
        Interlocked.Increment(ref _reads);
        ReplicaMetrics.Reads.Add(1, Tags);
    }

    /// <summary>Completes at the end of the next reading of the replica, which starts now rather than at the next poll.</summary>
    internal Task NextReadingAsync()
    {
        var reading = Volatile.Read(ref _reading).Task;
        Volatile.Read(ref _wake).TrySetResult();
        return reading;
    }

    /// <summary>For the monitor: starts a reading; returns what to complete when it ends and what wakes the next one early.</summary>
    internal (TaskCompletionSource Reading, Task Wake) BeginReading()
    {
        var wake = NewSignal();
        Volatile.Write(ref _wake, wake);
        return (Interlocked.Exchange(ref _reading, NewSignal()), wake.Task);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => DataSource.DisposeAsync();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
