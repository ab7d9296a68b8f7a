using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Chat.Data.Migrations
{
    /// <inheritdoc />
    public partial class DeviceMessages : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "member_id",
                table: "messages",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "last_message_seq",
                table: "devices",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateTable(
                name: "device_message_sends",
                columns: table => new
                {
                    sender_device_id = table.Column<Guid>(type: "uuid", nullable: false),
                    client_message_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_device_message_sends", x => new { x.sender_device_id, x.client_message_id });
                });

            migrationBuilder.CreateTable(
                name: "device_messages",
                columns: table => new
                {
                    recipient_device_id = table.Column<Guid>(type: "uuid", nullable: false),
                    seq = table.Column<long>(type: "bigint", nullable: false),
                    recipient_user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    sender_id = table.Column<Guid>(type: "uuid", nullable: false),
                    sender_device_id = table.Column<Guid>(type: "uuid", nullable: false),
                    client_message_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ciphertext = table.Column<string>(type: "text", nullable: false),
                    sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_device_messages", x => new { x.recipient_device_id, x.seq });
                    table.ForeignKey(
                        name: "fk_device_messages_devices_recipient_device_id",
                        column: x => x.recipient_device_id,
                        principalTable: "devices",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_device_message_sends_sent_at",
                table: "device_message_sends",
                column: "sent_at");

            migrationBuilder.CreateIndex(
                name: "ix_device_messages_sent_at",
                table: "device_messages",
                column: "sent_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "device_message_sends");

            migrationBuilder.DropTable(
                name: "device_messages");

            migrationBuilder.DropColumn(
                name: "member_id",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "last_message_seq",
                table: "devices");
        }
    }
}
