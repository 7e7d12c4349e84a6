using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Listings.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class ListingOwners : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "pk_idempotency_keys",
                table: "idempotency_keys");

            // Rows from before owners belong to the seed owner (SeedOwner.Id). The default only fills them: dropped
            // right after, so that a new row without an owner fails instead of quietly going to the seed owner.
            migrationBuilder.AddColumn<Guid>(
                name: "owner_id",
                table: "listings",
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000001"));
            migrationBuilder.Sql("ALTER TABLE listings ALTER COLUMN owner_id DROP DEFAULT");

            migrationBuilder.AddColumn<Guid>(
                name: "owner_id",
                table: "idempotency_keys",
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000001"));
            migrationBuilder.Sql("ALTER TABLE idempotency_keys ALTER COLUMN owner_id DROP DEFAULT");

            migrationBuilder.AddPrimaryKey(
                name: "pk_idempotency_keys",
                table: "idempotency_keys",
                columns: new[] { "owner_id", "key" });

            migrationBuilder.CreateIndex(
                name: "ix_listings_owner_id",
                table: "listings",
                column: "owner_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_listings_owner_id",
                table: "listings");

            migrationBuilder.DropPrimaryKey(
                name: "pk_idempotency_keys",
                table: "idempotency_keys");

            migrationBuilder.DropColumn(
                name: "owner_id",
                table: "listings");

            // Two users may hold the same key, which a key-only identity cannot: forget the keys (they last a day anyway).
            migrationBuilder.Sql("DELETE FROM idempotency_keys");
            migrationBuilder.DropColumn(
                name: "owner_id",
                table: "idempotency_keys");

            migrationBuilder.AddPrimaryKey(
                name: "pk_idempotency_keys",
                table: "idempotency_keys",
                column: "key");
        }
    }
}
