using Microsoft.Extensions.Options;

namespace Listings.ServiceDefaults;

/// <summary>
/// An <see cref="IValidateOptions{TOptions}"/> from a list of failures, each <c>Section:Key is value: what would be right</c>.
/// </summary>
public abstract class SettingsValidator<TOptions>(Func<TOptions, List<string>> check) : IValidateOptions<TOptions>
    where TOptions : class
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, TOptions options) =>
        check(options) is { Count: > 0 } failures ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
}
