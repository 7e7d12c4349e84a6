using System.Data;
using Listings.ServiceDefaults.ConnectionPool;
using Microsoft.EntityFrameworkCore;

namespace Listings.Api.Data;

/// <summary>
/// The connection under a transaction broke between two of its statements (a server restart ending the session).
/// Npgsql reports that on the next statement as <see cref="InvalidOperationException"/> ("Transaction is already
/// completed") rather than as a network error, so the retrying strategy and the error handler would take it for a
/// bug; wrapped in this exception it is retried like any broken connection, and answered 503 when retries run out.
/// </summary>
/// <param name="inner">Npgsql's exception.</param>
public sealed class DatabaseConnectionLostException(InvalidOperationException inner)
    : TransientDatabaseException("The database connection broke during a transaction.", inner)
{
    /// <summary>
    /// True when <paramref name="db"/>'s connection is no longer open: an <see cref="InvalidOperationException"/> thrown
    /// inside its transaction then comes from the broken connection, not from the code. Evaluate it before the
    /// transaction is disposed.
    /// </summary>
    /// <param name="db">The context whose transaction failed.</param>
    public static bool Explains(DbContext db) => db.Database.GetDbConnection().State != ConnectionState.Open;
}
