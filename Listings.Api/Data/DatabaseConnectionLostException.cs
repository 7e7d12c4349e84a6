using System.Data;
using Listings.ServiceDefaults.ConnectionPool;
using Microsoft.EntityFrameworkCore;

namespace Listings.Api.Data;

/// <summary>
/// The connection under a transaction broke between two of its statements. Npgsql reports it on the next one as an
/// <see cref="InvalidOperationException"/> ("Transaction is already completed"), which would pass for a bug; wrapped, it
/// is retried, and answered 503 when retries run out.
/// </summary>
public sealed class DatabaseConnectionLostException(InvalidOperationException inner)
    : TransientDatabaseException("The database connection broke during a transaction.", inner)
{
    /// <summary>
    /// True when <paramref name="db"/>'s connection is closed, so an <see cref="InvalidOperationException"/> inside its
    /// transaction comes from the broken connection. Evaluate it before the transaction is disposed.
    /// </summary>
    public static bool Explains(DbContext db) => db.Database.GetDbConnection().State != ConnectionState.Open;
}
