using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Chat.Data.Migrations
{
    /// <inheritdoc />
    public partial class CallPushes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "call_id",
                table: "push_outbox",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<Guid[]>(
                name: "recipients",
                table: "push_outbox",
                type: "uuid[]",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_push_outbox_call_id",
                table: "push_outbox",
                column: "call_id",
                unique: true,
                filter: "call_id IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_push_outbox_call_id",
                table: "push_outbox");

            migrationBuilder.DropColumn(
                name: "call_id",
                table: "push_outbox");

            migrationBuilder.DropColumn(
                name: "recipients",
                table: "push_outbox");
        }
    }
}
