using System.Globalization;
using Listings.Api.Auth;
using Listings.Api.Data;

namespace Listings.Api.Commands;

/// <summary>
/// <c>token [--sub &lt;uuid&gt;] [--lifetime-minutes 60] [--secret &lt;secret&gt;]</c>: prints an access token this service
/// accepts, signed with <c>Auth:JwtSecret</c> unless <c>--secret</c> is given, for <c>Auth:Audience</c>. Prints the token
/// only, so that <c>$(...)</c> captures it.
/// </summary>
public static class TokenCommand
{
    /// <summary>The command's name, the first argument.</summary>
    public const string Name = "token";

    /// <summary>The token's lifetime when none is given.</summary>
    public const int DefaultLifetimeMinutes = 60;

    /// <summary>The longest lifetime accepted: a year.</summary>
    public const int MaxLifetimeMinutes = 525_600;

    private const string SubOption = "--sub";
    private const string LifetimeOption = "--lifetime-minutes";
    private const string SecretOption = "--secret";

    /// <summary>Writes the token, or a message to standard error and returns 1.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var (output, error) = (Console.Out, Console.Error);
        var options = new Dictionary<string, string?>();
        var configurationArgs = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var (name, value) = SplitOption(args[i]);
            if (name is SubOption or LifetimeOption or SecretOption)
            {
                if (value is null && i + 1 >= args.Length)
                {
                    await error.WriteLineAsync($"token: {name} needs a value.");
                    return 1;
                }

                options[name] = value ?? args[++i];
            }
            else
            {
                configurationArgs.Add(args[i]);
            }
        }

        var configuration = WebApplication.CreateBuilder([.. configurationArgs]).Configuration;
        var settings = configuration.GetSection(JwtAuthOptions.SectionName).Get<JwtAuthOptions>() ?? new();
        var secret = options.GetValueOrDefault(SecretOption) ?? settings.JwtSecret;

        var subjectProblem = ReadSubject(options.GetValueOrDefault(SubOption), out var subject);
        var lifetimeProblem = ReadLifetime(options.GetValueOrDefault(LifetimeOption), out var lifetime);
        var audienceProblem = string.IsNullOrWhiteSpace(settings.Audience)
            ? $"{JwtAuthOptions.SectionName}:{nameof(JwtAuthOptions.Audience)} is empty: set it to the audience the API checks (Supabase: authenticated)."
            : null;
        if ((JwtAuthOptionsValidator.CheckSecret(secret) ?? audienceProblem ?? subjectProblem ?? lifetimeProblem) is { } problem)
        {
            await error.WriteLineAsync($"token: {problem}");
            return 1;
        }

        await output.WriteLineAsync(AccessTokens.Mint(secret!, subject, lifetime, settings.Audience));
        return 0;
    }

    private static (string Name, string? Value) SplitOption(string argument)
    {
        var equals = argument.IndexOf('=', StringComparison.Ordinal);
        return argument.StartsWith("--", StringComparison.Ordinal) && equals > 0
            ? (argument[..equals], argument[(equals + 1)..])
            : (argument, null);
    }

    private static string? ReadSubject(string? text, out Guid subject)
    {
        subject = SeedOwner.Id;
        return text is null || (Guid.TryParseExact(text, "D", out subject) && subject != Guid.Empty)
            ? null
            : $"{SubOption} '{text}' is not a user id: give a UUID such as 3f2c9a9e-1d7b-4a51-9a55-4f5d2b8f6c01.";
    }

    private static string? ReadLifetime(string? text, out TimeSpan lifetime)
    {
        var minutes = DefaultLifetimeMinutes;
        lifetime = TimeSpan.FromMinutes(minutes);
        if (text is null)
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out minutes) || minutes is < 1 or > MaxLifetimeMinutes)
        {
            return $"{LifetimeOption} '{text}' must be a whole number of minutes from 1 to {MaxLifetimeMinutes}.";
        }

        lifetime = TimeSpan.FromMinutes(minutes);
        return null;
    }
}
