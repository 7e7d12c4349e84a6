using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.Json.Nodes;
using Listings.Api.Auth.RowLevelSecurity;
using Listings.Api.Data;
using Listings.Api.Listings;
using Listings.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Listings.Tests.Integration;

/// <summary>
/// <c>Auth:RowLevelSecurity=true</c> on a real PostgreSQL: the policies of the <c>RowLevelSecurity</c> migration stop a
/// write the API's own check would have let through, a token cannot pick its database role, reads run as <c>anon</c>,
/// claims never outlive their transaction behind a transaction pooler, and the migration runs on a server that already
/// has Supabase's roles and <c>auth.uid()</c>.
/// </summary>
public sealed class RowLevelSecurityTests(ThrowawayPostgres server) : IClassFixture<ThrowawayPostgres>
{
    // Records who each write ran as: the trigger runs as the writing role, so authenticated may insert here.
    private const string WriteAuditSql = """
        CREATE TABLE write_audit (owner_id uuid, db_role text, claims_role text, claims_sub text);
        GRANT INSERT ON write_audit TO authenticated;
        CREATE FUNCTION audit_write() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO write_audit VALUES (NEW.owner_id, current_user,
                current_setting('request.jwt.claims', true)::jsonb ->> 'role', current_setting('request.jwt.claims', true)::jsonb ->> 'sub');
            RETURN NEW;
        END $$;
        CREATE TRIGGER audit_write AFTER INSERT OR UPDATE ON listings FOR EACH ROW EXECUTE FUNCTION audit_write();
        """;

    [Fact]
    public async Task AWriteBelowTheApisOwnCheckCannotTouchAnotherUsersListing()
    {
        var database = await MigratedDatabaseAsync();
        var (owner, intruder) = (Guid.NewGuid(), Guid.NewGuid());
        using var host = await ServiceHostAsync(server.Server.ConnectionString(database), rowSecurity: true);

        var written = await InTransactionAsAsync(host, owner, db => db.AddListingAsync(owner, Request("Owner's flat"), TimeProvider.System, CancellationToken.None));
        var id = Assert.IsType<ListingWrite.Written>(written).Listing.Id;

        // SQL on the API's own context, in a request's transaction, past the handler's ownership check.
        Assert.Equal(0, await InTransactionAsAsync(host, intruder, db => db.Database.ExecuteSqlAsync($"UPDATE listings SET title = 'Taken over' WHERE id = {id}")));
        Assert.Equal(0, await InTransactionAsAsync(host, intruder, db => db.Database.ExecuteSqlAsync($"DELETE FROM listings WHERE id = {id}")));
        var stolen = await Assert.ThrowsAsync<PostgresException>(() => InTransactionAsAsync(host, intruder, db => db.Database.ExecuteSqlAsync(
            $"INSERT INTO listings (title, description, city, price, currency, bedrooms, bathrooms, surface_square_meters, created_at, updated_at, owner_id) VALUES ('In your name', '', 'Lyon', 1, 'EUR', 1, 1, 10, now(), now(), {owner})")));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, stolen.SqlState);
        Assert.Equal("Owner's flat", await ScalarAsync<string>(database, $"SELECT title FROM listings WHERE id = {id}"));

        // The owner's own statement passes the same policies.
        Assert.Equal(1, await InTransactionAsAsync(host, owner, db => db.Database.ExecuteSqlAsync($"UPDATE listings SET title = 'Renamed by its owner' WHERE id = {id}")));

        // And the seam reaches the row: without row-level security the database would have let the intruder through.
        using var unguarded = await ServiceHostAsync(server.Server.ConnectionString(database), rowSecurity: false);
        Assert.Equal(1, await InTransactionAsAsync(unguarded, intruder, db => db.Database.ExecuteSqlAsync($"UPDATE listings SET title = 'Taken over' WHERE id = {id}")));
    }

    [Fact]
    public async Task ATokenClaimingServiceRoleWritesAsAuthenticatedAndReadsRunAsAnon()
    {
        var database = await MigratedDatabaseAsync();
        // A policy for anon only: a read that ran as the login or as authenticated would show the hidden listing.
        await ExecuteAsync(database, WriteAuditSql + "CREATE POLICY hide_for_anon ON listings AS RESTRICTIVE FOR SELECT TO anon USING (city <> 'Hidden');");
        var (api, client) = await ApiProcess.StartHealthyAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings__listingsdb"] = server.Server.ConnectionString(database),
            ["Auth__RowLevelSecurity"] = "true",
        });
        await using var _ = api;
        using var __ = client;
        var user = Guid.NewGuid();
        var payload = ForgedTokens.Payload(user.ToString());
        payload["role"] = "service_role";
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ForgedTokens.Create("HS256", TestAuth.Secret, payload));

        var visible = await CreatedAsync(await client.PostAsJsonAsync("/api/v1/listings", ListingBodies.Valid("Seen by all")));
        var hidden = await CreatedAsync(await client.PostAsJsonAsync("/api/v1/listings", Request("Seen by no one", city: "Hidden")));
        var updated = await client.PutAsJsonAsync($"/api/v1/listings/{visible.Id}", ListingBodies.Valid("Seen by all, renamed"));
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);

        var audit = await RowsAsync(database, "SELECT db_role, claims_role, claims_sub, owner_id::text FROM write_audit");
        Assert.Equal(3, audit.Count);
        Assert.All(audit, row => Assert.Equal(["authenticated", "authenticated", user.ToString(), user.ToString()], row));

        // Reads, the page and the single listing, run as anon: the hidden listing is not there for them.
        var page = await client.GetFromJsonAsync<JsonObject>("/api/v1/listings?pageSize=100");
        var ids = page!["items"]!.AsArray().Select(item => item!["id"]!.GetValue<long>()).ToList();
        Assert.Contains(visible.Id, ids);
        Assert.DoesNotContain(hidden.Id, ids);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/listings/{hidden.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/listings/{visible.Id}")).StatusCode);

        // The API's own check stays the first line: another user gets its 403 problem, not a silent 0 rows.
        using var other = new HttpClient { BaseAddress = client.BaseAddress }.SignIn();
        var refused = await other.DeleteAsync($"/api/v1/listings/{visible.Id}");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/listings/{visible.Id}")).StatusCode);

        var health = JsonNode.Parse(await client.GetStringAsync("/health"))!;
        Assert.Equal("Healthy", health["entries"]![RowLevelSecurityHealthCheck.Name]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task BehindATransactionPoolerTheClaimsOfOneRequestAreNeverSeenByTheNext()
    {
        var database = await MigratedDatabaseAsync();
        await ExecuteAsync(database, WriteAuditSql);
        await using var bouncer = await PgBouncer.StartAsync(server.Server.ConnectionString(database));
        var (api, client) = await ApiProcess.StartHealthyAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings__listingsdb"] = bouncer.ClientConnectionString(server.Server.ConnectionString(database)),
            ["ConnectionStrings__listingsdb-migrations"] = server.Server.ConnectionString(database),
            ["ConnectionPool__Mode"] = "transaction-pooler",
            ["ConnectionPool__ServerMaxConnections"] = "100",
            ["Auth__RowLevelSecurity"] = "true",
            ["Admission__QueueLimit"] = "1000",
            ["Admission__QueueTimeoutMilliseconds"] = "60000",
        });
        await using var _ = api;
        using var __ = client;

        // Many users writing at once, with anonymous reads between them, over PgBouncer's few server connections
        // (PgBouncer.ServerPoolSize): each server connection carries many users' transactions in turn.
        var users = Enumerable.Range(0, 12).Select(_ => Guid.NewGuid()).ToList();
        var writes = users.SelectMany(user => Enumerable.Range(0, 5).Select(async i =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/listings") { Content = JsonContent.Create(ListingBodies.Valid($"Pooled #{i}")) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestAuth.TokenFor(user));
            return (await client.SendAsync(request)).StatusCode;
        }));
        var reads = Enumerable.Range(0, 60).Select(async i => (await client.GetAsync($"/api/v1/listings?page={(i % 3) + 1}")).StatusCode);
        var statuses = await Task.WhenAll(writes.Concat(reads));
        Assert.All(statuses, status => Assert.True(status is HttpStatusCode.Created or HttpStatusCode.OK, $"{status}\n{api.Text}"));

        // Every write ran with its own user's claims, never a neighbour's.
        var audit = await RowsAsync(database, "SELECT db_role, claims_sub, owner_id::text FROM write_audit");
        Assert.Equal(60, audit.Count);
        Assert.All(audit, row => Assert.Equal(["authenticated", row[2], row[2]], row));

        // The next client of those server connections finds the login's role and no claims.
        var login = new NpgsqlConnectionStringBuilder(server.Server.ConnectionString(database)).Username;
        await using var next = new NpgsqlConnection(bouncer.ClientConnectionString(server.Server.ConnectionString(database)) + ";Max Auto Prepare=0");
        await next.OpenAsync();
        for (var i = 0; i < 3 * PgBouncer.ServerPoolSize; i++)
        {
            await using var probe = new NpgsqlCommand("SELECT current_user::text, coalesce(current_setting('request.jwt.claims', true), ''), current_setting('role')", next);
            await using var reader = await probe.ExecuteReaderAsync();
            await reader.ReadAsync();
            Assert.Equal((login, "", "none"), (reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        }
    }

    [Fact]
    public async Task TheMigrationRunsWhereSupabasesRolesAndAuthUidAlreadyExistAndKeepsThem()
    {
        // A server set up as Supabase's is: the roles granted to the login, and auth.uid() of its own.
        await ExecuteAsync("postgres", """
            DO $$ BEGIN CREATE ROLE anon NOLOGIN NOINHERIT; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
            DO $$ BEGIN CREATE ROLE authenticated NOLOGIN NOINHERIT; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
            """);
        var database = await NewDatabaseAsync();
        await ExecuteAsync(database, """
            CREATE SCHEMA auth;
            GRANT USAGE ON SCHEMA auth TO anon, authenticated;
            CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS $$
                -- supabase's own
                SELECT coalesce(nullif(current_setting('request.jwt.claim.sub', true), ''), (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'))::uuid
            $$;
            """);

        await using (var db = new ListingsDbContext(new DbContextOptionsBuilder<ListingsDbContext>().UseNpgsql(server.Server.ConnectionString(database)).Options))
        {
            await db.Database.MigrateAsync();
        }

        Assert.Contains("supabase's own", await ScalarAsync<string>(database, "SELECT pg_get_functiondef('auth.uid()'::regprocedure)"));
        Assert.Equal(5L, await ScalarAsync<long>(database, "SELECT count(*) FROM pg_policies WHERE tablename IN ('listings', 'idempotency_keys')"));
        Assert.True(await ScalarAsync<bool>(database, "SELECT relrowsecurity FROM pg_class WHERE relname = 'listings'"));

        // And a second database on the same server, whose roles the first one's migration found in place.
        Assert.Equal(5L, await ScalarAsync<long>(await MigratedDatabaseAsync(), "SELECT count(*) FROM pg_policies WHERE tablename IN ('listings', 'idempotency_keys')"));
    }

    [Fact]
    public async Task ALoginThatCannotTakeOnTheRolesIsUnhealthyAndSaysHowToFixIt()
    {
        await ExecuteAsync("postgres", "DO $$ BEGIN CREATE ROLE anon NOLOGIN NOINHERIT; EXCEPTION WHEN duplicate_object THEN NULL; END $$;");
        var role = $"app_{Guid.NewGuid():N}"[..20];
        var password = $"Pa55-{Guid.NewGuid():N}";
        await ExecuteAsync("postgres", $"CREATE ROLE {role} LOGIN CREATEDB PASSWORD '{password}'");

        // Its migration cannot grant itself the roles (no CREATEROLE) and goes on without them.
        var port = FreePort.Next();
        await using var api = ApiProcess.Start(new Dictionary<string, string>
        {
            ["ConnectionStrings__listingsdb"] = $"Host=127.0.0.1;Port={server.Port};Username={role};Password={password};Database={role};Timeout=5",
            ["ConnectionPool__ServerMaxConnections"] = "100",
            ["Auth__RowLevelSecurity"] = "true",
        }, port);
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        JsonNode? entry = null;
        await Poll.UntilAsync(async () =>
        {
            var answer = await ApiProcess.FirstAnswerAsync(api, client, "/health", TimeSpan.FromSeconds(60));
            entry = JsonNode.Parse(await answer.Content.ReadAsStringAsync())?["entries"]?[RowLevelSecurityHealthCheck.Name];
            return entry?["description"]?.GetValue<string>().Contains("cannot take on the roles", StringComparison.Ordinal) == true;
        }, "the row-level-security entry of /health to say the login cannot take on the roles", TimeSpan.FromSeconds(60));
        Assert.Equal("Unhealthy", entry!["status"]!.GetValue<string>());
        Assert.Contains($"GRANT {DatabaseRoles.Anonymous}, {DatabaseRoles.Authenticated} TO <login>", entry["description"]!.GetValue<string>());
    }

    private static ListingRequest Request(string title, string city = "Lyon") =>
        new(title, "A listing written under row-level security.", city, 990m, "EUR", 1, 1, 30m);

    private static async Task<ListingJson> CreatedAsync(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<ListingJson>())!;
    }

    // A request's database work as the service registers it: the user is the request's, the transaction the write's.
    private static async Task<T> InTransactionAsAsync<T>(IHost host, Guid user, Func<ListingsDbContext, Task<T>> work)
    {
        var http = host.Services.GetRequiredService<IHttpContextAccessor>();
        http.HttpContext = new DefaultHttpContext
        {
            User = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", user.ToString()), new Claim("role", "service_role")], "Bearer")),
        };
        try
        {
            await using var scope = host.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ListingsDbContext>();
            return await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
            {
                await using var transaction = await db.Database.BeginTransactionAsync();
                var result = await work(db);
                await transaction.CommitAsync();
                return result;
            });
        }
        finally
        {
            http.HttpContext = null;
        }
    }

    private static async Task<IHost> ServiceHostAsync(string connectionString, bool rowSecurity)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:listingsdb"] = connectionString,
            ["ConnectionPool:ServerMaxConnections"] = "100",
            ["Auth:RowLevelSecurity"] = rowSecurity ? "true" : "false",
        });
        builder.Services.AddHttpContextAccessor();
        await builder.AddListingsDataAsync();
        builder.AddRowLevelSecurity();
        return builder.Build();
    }

    private async Task<string> NewDatabaseAsync()
    {
        var database = $"rls_{Guid.NewGuid():N}";
        await ExecuteAsync("postgres", $"CREATE DATABASE {database}");
        return database;
    }

    private async Task<string> MigratedDatabaseAsync()
    {
        var database = await NewDatabaseAsync();
        await using var db = new ListingsDbContext(new DbContextOptionsBuilder<ListingsDbContext>().UseNpgsql(server.Server.ConnectionString(database)).Options);
        await db.Database.MigrateAsync();
        return database;
    }

    private async Task ExecuteAsync(string database, string sql)
    {
        await using var connection = await server.Server.OpenAsync(database, CancellationToken.None);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<T> ScalarAsync<T>(string database, string sql)
    {
        await using var connection = await server.Server.OpenAsync(database, CancellationToken.None);
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private async Task<List<string[]>> RowsAsync(string database, string sql)
    {
        await using var connection = await server.Server.OpenAsync(database, CancellationToken.None);
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string[]>();
        while (await reader.ReadAsync())
        {
            rows.Add([.. Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "<null>" : reader.GetString(i))]);
        }

        return rows;
    }
}
