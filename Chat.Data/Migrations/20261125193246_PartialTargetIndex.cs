using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Chat.Data.Migrations
{
    /// <inheritdoc />
    public partial class PartialTargetIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_messages_target_message_id",
                table: "messages");

            migrationBuilder.CreateIndex(
                name: "ix_messages_target_message_id",
                table: "messages",
                column: "target_message_id",
                filter: "target_message_id IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_messages_target_message_id",
                table: "messages");

            migrationBuilder.CreateIndex(
                name: "ix_messages_target_message_id",
                table: "messages",
                column: "target_message_id");
        }
    }
}
