namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>What each connection mode gets when nothing is written: the pool README's policy table.</summary>
/// <param name="MaxPoolSize"><c>Maximum Pool Size</c> before the budget has its say.</param>
/// <param name="MinPoolSize"><c>Minimum Pool Size</c>.</param>
/// <param name="MaxAutoPrepare"><c>Max Auto Prepare</c> without a probe.</param>
/// <param name="BudgetFraction">The share of <c>max_connections</c> all replicas may hold.</param>
/// <param name="Advice">What the start-up line says of the mode.</param>
public sealed record ModePolicy(int MaxPoolSize, int MinPoolSize, int MaxAutoPrepare, double BudgetFraction, string Advice)
{
    // 20 is a third of Supabase Free's 60 server connections; 10 behind a transaction pooler, whose own 15 server
    // connections (Supavisor, Nano to Medium) run every client's transactions.
    private const int DirectPoolSize = 20;
    private const int TransactionPoolerPoolSize = 10;

    // Behind a transaction pooler an idle client socket holds no server connection, and a pooler that shut its idle pool
    // down has taken 12-93 s to connect again (Supavisor, supabase#49991): keep two warm.
    private const int TransactionPoolerMinPoolSize = 2;

    /// <summary>
    /// <c>Max Auto Prepare</c> wherever prepared statements work: Npgsql keeps the statements used most and evicts the
    /// least used.
    /// </summary>
    public const int PreparedStatements = 20;

    // A third of the server direct, leaving the rest to Supabase's own services; behind a pooler Supabase advises 40%.
    private const double DirectBudgetFraction = 1.0 / 3;
    private const double PoolerBudgetFraction = 0.4;

    /// <summary>The policy of <paramref name="mode"/>.</summary>
    public static ModePolicy For(ConnectionMode mode, BudgetOptions budget) => mode switch
    {
        ConnectionMode.Direct => new(DirectPoolSize, 0, PreparedStatements, DirectBudgetFraction,
            "direct connection: optimal for a long-running service (prepared statements and session state work)."),
        ConnectionMode.SessionPooler => new(Math.Max(1, budget.SessionPoolerClientCap / budget.Replicas), 0, PreparedStatements, PoolerBudgetFraction,
            $"session pooler: every pooled connection holds one of its {budget.SessionPoolerClientCap} client slots for as long as it is open;"
            + " consider a direct connection for a long-running service, or the transaction pooler (port 6543) for many replicas."),
        ConnectionMode.DedicatedPooler => new(TransactionPoolerPoolSize, TransactionPoolerMinPoolSize, 0, PoolerBudgetFraction,
            "dedicated pooler (PgBouncer): prepared statements once the probe at start proves them, no session state between"
            + " transactions; consider a direct connection for a long-running service."),
        _ => new(TransactionPoolerPoolSize, TransactionPoolerMinPoolSize, 0, PoolerBudgetFraction,
            "transaction pooler: no prepared statements and no session state between transactions;"
            + " consider a direct connection (or the session pooler on port 5432) for a long-running service."),
    };
}
