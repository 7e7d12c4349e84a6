using Listings.Api.Input;

namespace Listings.Tests.Unit;

public sealed class StorableTextTests
{
    [Theory]
    [InlineData("")]
    [InlineData("Lyon")]
    [InlineData("Zürich, 北京")]
    [InlineData("A pair: \uD83C\uDFE0 (a house)")]
    [InlineData("Line\nbreak\tand tab")]
    public void TextWithoutNulOrLoneSurrogateIsStorable(string text) => Assert.True(StorableText.IsStorable(text));

    [Theory]
    [InlineData(0x0000, -1)]
    [InlineData(0xD800, -1)]
    [InlineData(0xDBFF, 0x0041)]
    [InlineData(0xDC00, -1)]
    [InlineData(0x0041, 0xDFFF)]
    public void TextWithNulOrLoneSurrogateIsNotStorable(int first, int second)
    {
        // Built from code points: a lone surrogate cannot sit in an attribute's string argument.
        var text = "Lyon " + (char)first + (second < 0 ? "" : ((char)second).ToString()) + " centre";

        Assert.False(StorableText.IsStorable(text));
    }

    [Fact]
    public void HighSurrogateAtTheEndIsNotStorable() => Assert.False(StorableText.IsStorable("Lyon \uD83C"));
}
