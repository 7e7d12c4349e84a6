using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Listings.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class RowLevelSecurity : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Supabase's roles, where they are missing (a plain PostgreSQL): created NOLOGIN as Supabase has them, and granted
            // to the login so it can take them on. Roles belong to the server, not the database: two databases migrating at
            // once may race to create one, and a login that may not create roles leaves it to an administrator (with
            // Auth:RowLevelSecurity on, /health says so until it is done).
            foreach (var role in new[] { "anon", "authenticated" })
            {
                migrationBuilder.Sql($$"""
                    DO $$
                    BEGIN
                        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{{role}}') THEN
                            CREATE ROLE {{role}} NOLOGIN NOINHERIT;
                        END IF;
                        IF NOT pg_has_role(current_user, '{{role}}', 'MEMBER') THEN
                            EXECUTE format('GRANT {{role}} TO %I', current_user);
                        END IF;
                    EXCEPTION
                        WHEN duplicate_object THEN NULL;
                        WHEN insufficient_privilege THEN
                            RAISE NOTICE 'Role {{role}} is missing or not granted to %: row-level security needs it (CREATE ROLE {{role}} NOLOGIN; GRANT {{role}} TO %).', current_user, current_user;
                    END
                    $$;
                    """);
            }

            // auth.uid() as Supabase defines it (supabase/auth, migrations), where Supabase's is missing: the user id of the
            // claims the API sets for a write's transaction.
            migrationBuilder.Sql("""
                DO $$
                BEGIN
                    IF NOT EXISTS (SELECT FROM pg_namespace WHERE nspname = 'auth') THEN
                        CREATE SCHEMA auth;
                        GRANT USAGE ON SCHEMA auth TO PUBLIC;
                    END IF;
                    IF NOT EXISTS (
                        SELECT FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'auth' AND p.proname = 'uid') THEN
                        CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS $f$
                            SELECT coalesce(
                                nullif(current_setting('request.jwt.claim.sub', true), ''),
                                (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'))::uuid
                        $f$;
                    END IF;
                END
                $$;
                """);

            // What each role may touch; the policies below decide which rows.
            migrationBuilder.Sql("""
                DO $$
                BEGIN
                    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'anon') AND EXISTS (SELECT FROM pg_roles WHERE rolname = 'authenticated') THEN
                        GRANT USAGE ON SCHEMA public TO anon, authenticated;
                        GRANT SELECT ON listings TO anon, authenticated;
                        GRANT INSERT, UPDATE, DELETE ON listings TO authenticated;
                        EXECUTE format('GRANT USAGE ON SEQUENCE %s TO authenticated', pg_get_serial_sequence('listings', 'id'));
                        GRANT SELECT, INSERT, UPDATE ON idempotency_keys TO authenticated;
                    END IF;
                END
                $$;
                """);

            // Anyone reads a listing; only its owner writes it; a user sees only the idempotency keys of their own writes.
            // The tables' owner (the login) is not bound by them: with Auth:RowLevelSecurity off, the API runs as before.
            migrationBuilder.Sql("""
                ALTER TABLE listings ENABLE ROW LEVEL SECURITY;
                CREATE POLICY listings_read ON listings FOR SELECT USING (true);
                CREATE POLICY listings_insert_own ON listings FOR INSERT WITH CHECK (owner_id = auth.uid());
                CREATE POLICY listings_update_own ON listings FOR UPDATE USING (owner_id = auth.uid()) WITH CHECK (owner_id = auth.uid());
                CREATE POLICY listings_delete_own ON listings FOR DELETE USING (owner_id = auth.uid());
                ALTER TABLE idempotency_keys ENABLE ROW LEVEL SECURITY;
                CREATE POLICY idempotency_keys_own ON idempotency_keys USING (owner_id = auth.uid()) WITH CHECK (owner_id = auth.uid());
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The roles and auth.uid() stay: they belong to the server (or to Supabase), and other databases may use them.
            migrationBuilder.Sql("""
                DROP POLICY idempotency_keys_own ON idempotency_keys;
                ALTER TABLE idempotency_keys DISABLE ROW LEVEL SECURITY;
                DROP POLICY listings_delete_own ON listings;
                DROP POLICY listings_update_own ON listings;
                DROP POLICY listings_insert_own ON listings;
                DROP POLICY listings_read ON listings;
                ALTER TABLE listings DISABLE ROW LEVEL SECURITY;
                """);
        }
    }
}
