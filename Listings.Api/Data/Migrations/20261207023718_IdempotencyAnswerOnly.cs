using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Listings.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class IdempotencyAnswerOnly : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "location",
                table: "idempotency_keys");

            migrationBuilder.DropColumn(
                name: "status_code",
                table: "idempotency_keys");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "location",
                table: "idempotency_keys",
                type: "character varying(300)",
                maxLength: 300,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "status_code",
                table: "idempotency_keys",
                type: "integer",
                nullable: false,
                defaultValue: 0);
        }
    }
}
