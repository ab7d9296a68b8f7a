using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Chat.Data.Migrations
{
    /// <inheritdoc />
    public partial class ContactControls : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "hidden_through_seq",
                table: "conversation_members",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "muted_until",
                table: "conversation_members",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "request",
                table: "conversation_members",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "group_invitations",
                columns: table => new
                {
                    conversation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    invited_by = table.Column<Guid>(type: "uuid", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_group_invitations", x => new { x.conversation_id, x.user_id });
                    table.ForeignKey(
                        name: "fk_group_invitations_conversations_conversation_id",
                        column: x => x.conversation_id,
                        principalTable: "conversations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_group_invitations_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "user_blocks",
                columns: table => new
                {
                    blocker_id = table.Column<Guid>(type: "uuid", nullable: false),
                    blocked_id = table.Column<Guid>(type: "uuid", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_user_blocks", x => new { x.blocker_id, x.blocked_id });
                    table.ForeignKey(
                        name: "fk_user_blocks_users_blocked_id",
                        column: x => x.blocked_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_user_blocks_users_blocker_id",
                        column: x => x.blocker_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_conversations_created_by_created_at",
                table: "conversations",
                columns: new[] { "created_by", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_group_invitations_user_id",
                table: "group_invitations",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_user_blocks_blocked_id",
                table: "user_blocks",
                column: "blocked_id");

            // Before this, an owner could leave a group with nobody to follow: its longest-standing admin, or else
            // member, is owner from now on (without an event: the rule did not exist when they left).
            migrationBuilder.Sql("""
                UPDATE conversation_members m SET role = 2
                FROM (SELECT DISTINCT ON (cm.conversation_id) cm.conversation_id, cm.user_id
                      FROM conversation_members cm JOIN conversations c ON c.id = cm.conversation_id
                      WHERE c.kind = 2 AND cm.left_seq IS NULL
                        AND NOT EXISTS (SELECT 1 FROM conversation_members o WHERE o.conversation_id = cm.conversation_id AND o.left_seq IS NULL AND o.role = 2)
                      ORDER BY cm.conversation_id, cm.role DESC, cm.joined_at, cm.user_id) heir
                WHERE m.conversation_id = heir.conversation_id AND m.user_id = heir.user_id
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "group_invitations");

            migrationBuilder.DropTable(
                name: "user_blocks");

            migrationBuilder.DropIndex(
                name: "ix_conversations_created_by_created_at",
                table: "conversations");

            migrationBuilder.DropColumn(
                name: "hidden_through_seq",
                table: "conversation_members");

            migrationBuilder.DropColumn(
                name: "muted_until",
                table: "conversation_members");

            migrationBuilder.DropColumn(
                name: "request",
                table: "conversation_members");
        }
    }
}
