using Listings.Api.Idempotency;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Listings.Api.Data;

/// <summary>Maps <see cref="IdempotencyRecord"/> to the <c>idempotency_keys</c> table.</summary>
internal sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> record)
    {
        record.ToTable("idempotency_keys");
        // A key is the user's own: the same key from two users is two keys.
        record.HasKey(r => new { r.OwnerId, r.Key }).HasName("pk_idempotency_keys");
        record.Property(r => r.OwnerId).HasColumnName("owner_id");
        record.Property(r => r.Key).HasColumnName("key").HasMaxLength(IdempotencyKey.MaxLength);
        record.Property(r => r.Fingerprint).HasColumnName("fingerprint").HasMaxLength(300);
        record.Property(r => r.ResponseBody).HasColumnName("response_body").HasColumnType("jsonb");
        record.Property(r => r.CreatedAt).HasColumnName("created_at");

        // For purging old keys by age.
        record.HasIndex(r => r.CreatedAt).HasDatabaseName("ix_idempotency_keys_created_at");
    }
}
