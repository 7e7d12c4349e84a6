using Microsoft.Extensions.Options;

namespace Listings.ServiceDefaults;

/// <summary>
/// An <see cref="IValidateOptions{TOptions}"/> from a list of failures, each naming its key
/// (<c>Section:Key is value: what would be right</c>): the validators of <see cref="Microsoft.Extensions.Hosting.SettingsExtensions.BindSettingsNow"/>.
/// </summary>
/// <param name="check">The failures of one options instance; empty when there are none.</param>
public abstract class SettingsValidator<TOptions>(Func<TOptions, List<string>> check) : IValidateOptions<TOptions>
    where TOptions : class
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, TOptions options) =>
        check(options) is { Count: > 0 } failures ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
}
