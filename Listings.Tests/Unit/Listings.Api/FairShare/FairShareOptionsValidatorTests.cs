using Listings.Api.FairShare;

namespace Listings.Tests.Unit.Listings.Api.FairShare;

public sealed class FairShareOptionsValidatorTests
{
    [Fact]
    public void TheDefaultsAreValid() => Assert.Empty(FairShareOptionsValidator.Check(new FairShareOptions()));

    [Fact]
    public void EachWrongSettingIsNamedWithWhatWouldBeRight()
    {
        var failures = FairShareOptionsValidator.Check(new FairShareOptions
        {
            PermitLimit = 0,
            RetryAfterSeconds = 0,
            TrustedProxies = ["10.0.0.4", "10.0.0.0/16", "load-balancer"],
        });

        Assert.Equal(
        [
            "FairShare:PermitLimit is 0: use a whole number from 1 to 100000, or set FairShare:Enabled=false.",
            "FairShare:RetryAfterSeconds is 0: use 1 to 3600.",
            "FairShare:TrustedProxies:2 is 'load-balancer': use an IP address (10.0.0.4) or a network (10.0.0.0/16).",
        ], failures);
    }
}
