using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Listings.Api.Auth.RowLevelSecurity;

/// <summary>
/// With row-level security on, Unhealthy until the login can take on both <see cref="DatabaseRoles"/> and
/// <c>auth.uid()</c> exists: a login that may not create roles leaves that to an administrator, and until it is done every
/// request would fail. Once true, it stays true for the life of the process (one query, not one per probe).
/// </summary>
public sealed class RowLevelSecurityHealthCheck(NpgsqlDataSource pool) : IHealthCheck
{
    /// <summary>The name the check is registered under.</summary>
    public const string Name = "row-level-security";

    private const string ReadySql =
        "SELECT count(*) = 2 AND coalesce(bool_and(pg_has_role(oid, 'MEMBER')), false), to_regprocedure('auth.uid()') IS NOT NULL "
        + $"FROM pg_roles WHERE rolname IN ('{DatabaseRoles.Anonymous}', '{DatabaseRoles.Authenticated}')";

    private const string Fix =
        $"the migration creates them where the login may (CREATE ROLE {DatabaseRoles.Anonymous} NOLOGIN; CREATE ROLE {DatabaseRoles.Authenticated} NOLOGIN; "
        + $"GRANT {DatabaseRoles.Anonymous}, {DatabaseRoles.Authenticated} TO <login>), or set Auth:RowLevelSecurity=false";

    private volatile bool _ready;

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (_ready)
        {
            return HealthCheckResult.Healthy("Writes run as authenticated, reads as anon");
        }

        try
        {
            await using var command = pool.CreateCommand(ReadySql);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            var (roles, uid) = (reader.GetBoolean(0), reader.GetBoolean(1));
            _ready = roles && uid;
            return _ready
                ? HealthCheckResult.Healthy("Writes run as authenticated, reads as anon")
                : HealthCheckResult.Unhealthy(roles
                    ? "Row-level security is on but auth.uid() does not exist: run the migrations"
                    : $"Row-level security is on but the login cannot take on the roles {DatabaseRoles.Anonymous} and {DatabaseRoles.Authenticated}: {Fix}");
        }
        catch (NpgsqlException error)
        {
            return HealthCheckResult.Unhealthy($"Row-level security cannot be checked now ({error.GetType().Name})");
        }
    }
}
