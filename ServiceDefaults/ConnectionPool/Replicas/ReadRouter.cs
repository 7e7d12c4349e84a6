using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// Runs a read on a replica (<see cref="ReadHosts"/>) when one fits, else on the primary: the request's own
/// <typeparamref name="TContext"/>. A replica that fails the read with a connection failure leaves the rotation and the
/// read runs again elsewhere, so a replica that stops costs a read no error. Without read hosts every read is the primary's.
/// </summary>
public sealed partial class ReadRouter<TContext>(
    ReadHosts? hosts, IReadOnlyList<IDbContextFactory<TContext>> replicaContexts, ILogger<ReadRouter<TContext>> logger)
    where TContext : DbContext
{
    private const string PositionSql = "SELECT pg_current_wal_lsn()::text AS \"Value\"";

    // Each host's pooled contexts, given in the order of ReadHosts.All.
    private readonly Dictionary<ReadHost, IDbContextFactory<TContext>> _contexts =
        hosts?.All.Zip(replicaContexts).ToDictionary(pair => pair.First, pair => pair.Second) ?? [];

    /// <summary>
    /// Runs <paramref name="read"/> on a replica that has replayed <paramref name="after"/> (when given) and lags at most
    /// <c>ReadReplicas:MaxLagSeconds</c>, else on the primary context from <paramref name="requestServices"/>.
    /// </summary>
    public async Task<T> ReadAsync<T>(
        IServiceProvider requestServices, NpgsqlLogSequenceNumber? after, Func<TContext, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        if (hosts is null)
        {
            return await read(requestServices.GetRequiredService<TContext>(), cancellationToken);
        }

        var (host, reason) = await hosts.ChooseAsync(after, cancellationToken);
        for (var tries = 0; host is not null && tries < hosts.All.Count; tries++)
        {
            var db = _contexts[host].CreateDbContext();
            try
            {
                var result = await read(db, cancellationToken);
                host.Served();
                return result;
            }
            catch (Exception error) when (!cancellationToken.IsCancellationRequested && IsHostFailure(error))
            {
                var problem = ConnectionProblemClassifier.FindConnectionProblem(error)?.Name ?? error.GetBaseException().GetType().Name;
                host.State.Failed(problem);
                LogReadFailed(host.Name, problem);
                (host, reason) = hosts.Choose(after);
            }
            finally
            {
                await db.DisposeAsync();
            }
        }

        // A host chosen again after every host failed once (the monitor put it back meanwhile) counts as down too.
        hosts.FellBack(reason == ReadFallback.None ? ReadFallback.Down : reason);
        return await read(requestServices.GetRequiredService<TContext>(), cancellationToken);
    }

    /// <summary>
    /// The primary's WAL position now, read on <paramref name="primary"/> after a write committed: at or past the write's
    /// commit record, so a replica that has replayed it holds the write.
    /// </summary>
    public static async Task<NpgsqlLogSequenceNumber> PrimaryPositionAsync(TContext primary, CancellationToken cancellationToken) =>
        NpgsqlLogSequenceNumber.Parse(await primary.Database.SqlQueryRaw<string>(PositionSql).SingleAsync(cancellationToken));

    // A connection failure, a connect that ran out of time, a server shutting down, or a standby cancelling the read for a
    // conflict with recovery (40001): all the host's, not the read's. A full pool is load: it stays this host's answer.
    private static bool IsHostFailure(Exception error) =>
        !ConnectionProblemClassifier.IsPoolExhausted(error)
        && (ConnectionProblemClassifier.FindConnectionProblem(error) is not null
            || ConnectionProblemClassifier.FindTransient(error) is not null
            || error is PostgresException { SqlState: PostgresErrorCodes.SerializationFailure });

    [LoggerMessage(Level = LogLevel.Warning, Message = "A read on replica {Host} failed ({Problem}): it leaves the read rotation, and the read runs elsewhere.")]
    private partial void LogReadFailed(string host, string problem);
}
