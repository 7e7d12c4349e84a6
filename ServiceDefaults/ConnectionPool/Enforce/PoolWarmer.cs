using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// Opens <c>Minimum Pool Size</c> connections before <c>/health</c> first reports healthy: Npgsql keeps that many open
/// once they exist but never opens them itself, so the first requests would pay the connects, behind a cold pooler
/// for many seconds.
/// </summary>
public sealed class PoolWarmer(ConnectionPlan plan, IServiceScopeFactory scopes)
{
    private volatile bool _warm;

    /// <summary>True once the minimum was open (or when there is none).</summary>
    public bool IsWarm => _warm || plan.MinPoolSize == 0;

    /// <summary>Opens the minimum together and returns them to the pool.</summary>
    public async Task WarmAsync<TContext>(CancellationToken cancellationToken)
        where TContext : DbContext
    {
        if (IsWarm)
        {
            return;
        }

        var contexts = Enumerable.Range(0, plan.MinPoolSize).Select(_ => scopes.CreateAsyncScope()).ToList();
        try
        {
            // All at once: opened one after another, each would come back to the pool and be handed out again.
            await Task.WhenAll(contexts.Select(scope =>
                scope.ServiceProvider.GetRequiredService<TContext>().Database.OpenConnectionAsync(cancellationToken)));
            _warm = true;
        }
        finally
        {
            foreach (var scope in contexts)
            {
                await scope.DisposeAsync();
            }
        }
    }
}
