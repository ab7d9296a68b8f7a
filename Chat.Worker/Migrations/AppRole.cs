using Chat.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Chat.Worker.Migrations;

/// <summary>
/// The least a service needs: log in, and read and write the rows of the schema's tables. Not superuser, not the
/// owner of anything, no CREATE: a service that is taken over cannot change the schema, read other databases'
/// files or run programs on the server. Granted again after every migration, so new tables are covered.
/// </summary>
public sealed class AppRole(ChatDbContext db, IOptions<AppRoleOptions> options, ILogger<AppRole> logger)
{
    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(options.Value.AppRolePassword))
        {
            logger.LogWarning("No Database:AppRolePassword: the services' role is not created, and the services must connect as the owner");
            return;
        }

        // Role statements take no bound parameters. The role name is validated by its options; the database name
        // is PostgreSQL's own, quoted by format(%I); the password goes as its SCRAM verifier (base64 and '$:'), not
        // as itself. PUBLIC loses CREATE on the schema too (PostgreSQL 15 and later start so; older ones do not),
        // and the migration history is the owner's to write.
        var role = options.Value.AppRole;
        var database = db.Database.GetDbConnection().Database;
        var sql = string.Join('\n',
            "DO $$ BEGIN",
            $"  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN CREATE ROLE {role} LOGIN; END IF;",
            $"  EXECUTE format('GRANT CONNECT ON DATABASE %I TO {role}', current_database());",
            "END $$;",
            $"ALTER ROLE {role} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD '{ScramVerifier.For(options.Value.AppRolePassword)}';",
            $"REVOKE CREATE ON SCHEMA public FROM PUBLIC, {role};",
            $"GRANT USAGE ON SCHEMA public TO {role};",
            $"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};",
            $"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {role};",
            $"REVOKE INSERT, UPDATE, DELETE ON \"__EFMigrationsHistory\" FROM {role};");
        await db.Database.ExecuteSqlRawAsync(sql, cancellationToken);
        logger.LogInformation("The services' role {Role} can read and write the tables of {Database}, and nothing more", role, database);
    }
}
