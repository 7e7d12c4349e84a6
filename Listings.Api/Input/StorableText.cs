namespace Listings.Api.Input;

/// <summary>
/// The rule every request text that reaches SQL must pass: no U+0000 and no unpaired UTF-16 surrogate. PostgreSQL's text
/// types refuse the NUL byte (SQLSTATE 22021), and a lone surrogate has no UTF-8 form, so Npgsql's encoder throws; either
/// would reach the client as a 500.
/// </summary>
public static class StorableText
{
    /// <summary>The validation message's ending, after the value's name.</summary>
    public const string Rule = "must not contain the character U+0000 or an unpaired UTF-16 surrogate: PostgreSQL cannot store either as text.";

    /// <summary>Whether PostgreSQL can store <paramref name="text"/> as <c>text</c> and Npgsql can encode it as UTF-8.</summary>
    public static bool IsStorable(ReadOnlySpan<char> text)
    {
        // Almost every value has neither: one vectorized scan each decides it.
        if (text.Contains('\0'))
        {
            return false;
        }

        var surrogate = text.IndexOfAnyInRange('\uD800', '\uDFFF');
        if (surrogate < 0)
        {
            return true;
        }

        for (var i = surrogate; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }
}
