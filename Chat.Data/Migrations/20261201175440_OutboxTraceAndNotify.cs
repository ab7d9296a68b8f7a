using Chat.Data.Push;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Chat.Data.Migrations
{
    /// <inheritdoc />
    public partial class OutboxTraceAndNotify : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "trace_parent",
                table: "push_outbox",
                type: "text",
                nullable: true);

            // The worker LISTENs instead of polling: each statement that inserts outbox entries notifies once, at
            // its commit (NOTIFY is transactional). A statement that inserts none (most group-commit batches: few
            // recipients register a push token) notifies nobody.
            migrationBuilder.Sql($"""
                CREATE FUNCTION notify_push_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF EXISTS (SELECT 1 FROM inserted) THEN
                        PERFORM pg_notify('{PushOutboxEntry.NotificationChannel}', '');
                    END IF;
                    RETURN NULL;
                END $$;
                CREATE TRIGGER push_outbox_inserted AFTER INSERT ON push_outbox REFERENCING NEW TABLE AS inserted
                    FOR EACH STATEMENT EXECUTE FUNCTION notify_push_outbox();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER push_outbox_inserted ON push_outbox; DROP FUNCTION notify_push_outbox();");

            migrationBuilder.DropColumn(
                name: "trace_parent",
                table: "push_outbox");
        }
    }
}
