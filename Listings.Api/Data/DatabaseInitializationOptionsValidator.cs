using Microsoft.Extensions.Options;

namespace Listings.Api.Data;

/// <summary>Rejects <see cref="DatabaseInitializationOptions"/> at start-up with a message naming the key.</summary>
internal sealed class DatabaseInitializationOptionsValidator : IValidateOptions<DatabaseInitializationOptions>
{
    public ValidateOptionsResult Validate(string? name, DatabaseInitializationOptions options) =>
        options.SeedCount is < 0 or > DatabaseInitializationOptions.MaxSeedCount
            ? ValidateOptionsResult.Fail(
                $"{DatabaseInitializationOptions.SectionName}:{nameof(DatabaseInitializationOptions.SeedCount)} is " +
                $"{options.SeedCount}; it must be from 0 to {DatabaseInitializationOptions.MaxSeedCount}.")
            : ValidateOptionsResult.Success;
}
