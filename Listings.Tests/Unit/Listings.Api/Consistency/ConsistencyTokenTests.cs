using Listings.Api.Consistency;
using Microsoft.AspNetCore.Http;
using NpgsqlTypes;

namespace Listings.Tests.Unit.Listings.Api.Consistency;

public sealed class ConsistencyTokenTests
{
    [Theory]
    [InlineData(0UL)]
    [InlineData(0x16_B374D848UL)]
    [InlineData(ulong.MaxValue)]
    public void ATokenReadsBackAsThePositionItWasMadeFrom(ulong position)
    {
        var token = ConsistencyToken.Format(new NpgsqlLogSequenceNumber(position));

        Assert.Equal(11, token.Length);
        Assert.True(ConsistencyToken.TryRead(Request(token), out var read));
        Assert.Equal(new NpgsqlLogSequenceNumber(position), read);
    }

    [Fact]
    public void NoHeaderIsNoToken()
    {
        Assert.True(ConsistencyToken.TryRead(new DefaultHttpContext().Request, out var read));
        Assert.Null(read);
    }

    [Theory]
    [InlineData("")]
    [InlineData("short")]
    [InlineData("AAAAAAAAAAAA")]
    [InlineData("AAAAAAAAAA=")]
    [InlineData("AAAAAAAAAA+")]
    [InlineData("AAAAAAAAAA!")]
    [InlineData("AAAAAAAAAAB")]
    [InlineData("16/B374D848")]
    public void AMalformedTokenIsRefused(string token) =>
        Assert.False(ConsistencyToken.TryRead(Request(token), out _));

    [Fact]
    public void TwoTokensAreRefused()
    {
        var request = new DefaultHttpContext().Request;
        request.Headers[ConsistencyToken.HeaderName] = new(["AAAAAAAAAAA", "AAAAAAAAAAA"]);
        Assert.False(ConsistencyToken.TryRead(request, out _));
    }

    private static HttpRequest Request(string token)
    {
        var request = new DefaultHttpContext().Request;
        request.Headers[ConsistencyToken.HeaderName] = token;
        return request;
    }
}
