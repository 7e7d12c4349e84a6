using Listings.ServiceDefaults.ConnectionPool;
using Microsoft.Extensions.Time.Testing;

namespace Listings.Tests.Unit;

public sealed class AdmissionGateTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromMilliseconds(500);

    private static AdmissionGate OneSlot(FakeTimeProvider clock) => new(1, 100, Bound, TimeSpan.FromSeconds(30), clock);

    [Fact]
    public async Task WaitersAreServedInArrivalOrderWhileEveryoneIsServedWithinTheBound()
    {
        var clock = new FakeTimeProvider();
        using var gate = OneSlot(clock);
        var first = await gate.TryEnterAsync(CancellationToken.None);
        var second = gate.TryEnterAsync(CancellationToken.None).AsTask();
        clock.Advance(TimeSpan.FromMilliseconds(10));
        var third = gate.TryEnterAsync(CancellationToken.None).AsTask();

        first.Dispose();

        Assert.True((await second).Admitted);
        Assert.False(third.IsCompleted);
        Assert.False(gate.ServesNewestFirst);
    }

    [Fact]
    public async Task AWaiterIsRefusedOnlyWhenItCouldNotStartWithinTheBound()
    {
        var clock = new FakeTimeProvider();
        using var gate = OneSlot(clock);
        using var holder = await gate.TryEnterAsync(CancellationToken.None);
        var waiter = gate.TryEnterAsync(CancellationToken.None).AsTask();

        clock.Advance(Bound - TimeSpan.FromMilliseconds(20));
        Assert.False(waiter.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(20));

        Assert.False((await waiter).Admitted);
        Assert.Equal(0, gate.QueueLength);
    }

    [Fact]
    public async Task WhenTheQueueWouldTakeLongerThanTheBoundToDrainTheNewestWaiterIsServedFirst()
    {
        var clock = new FakeTimeProvider();
        using var gate = OneSlot(clock);
        // Two slots freed in the last second: three waiters would take 1.5 s in order, three times the bound.
        (await gate.TryEnterAsync(CancellationToken.None)).Dispose();
        (await gate.TryEnterAsync(CancellationToken.None)).Dispose();
        clock.Advance(TimeSpan.FromSeconds(1));
        var holder = await gate.TryEnterAsync(CancellationToken.None);
        var oldest = gate.TryEnterAsync(CancellationToken.None).AsTask();
        var older = gate.TryEnterAsync(CancellationToken.None).AsTask();
        var newest = gate.TryEnterAsync(CancellationToken.None).AsTask();

        Assert.True(gate.ServesNewestFirst);
        holder.Dispose();

        Assert.True((await newest).Admitted);
        Assert.False(oldest.IsCompleted);
        Assert.False(older.IsCompleted);
    }

    [Fact]
    public async Task ARequestThatGoesAwayLeavesTheQueue()
    {
        var clock = new FakeTimeProvider();
        using var gate = OneSlot(clock);
        using var holder = await gate.TryEnterAsync(CancellationToken.None);
        using var aborted = new CancellationTokenSource();
        var waiter = gate.TryEnterAsync(aborted.Token).AsTask();

        await aborted.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiter);
        Assert.Equal(0, gate.QueueLength);
    }

    [Theory]
    [InlineData(10, 19, 2)]
    [InlineData(100, 5, 1)]
    [InlineData(0, 5, 30)]
    public async Task RetryAfterIsTheQueueAheadAtTheRateSlotsWereFreed(int freedInTheLastSecond, int waiting, int expectedSeconds)
    {
        var clock = new FakeTimeProvider();
        using var gate = new AdmissionGate(1, 1000, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(30), clock);
        (await gate.TryEnterAsync(CancellationToken.None)).Dispose();
        clock.Advance(TimeSpan.FromSeconds(1));
        (await gate.TryEnterAsync(CancellationToken.None)).Dispose();
        for (var i = 0; i < freedInTheLastSecond; i++)
        {
            (await gate.TryEnterAsync(CancellationToken.None)).Dispose();
        }

        using var holder = await gate.TryEnterAsync(CancellationToken.None);
        var waiters = Enumerable.Range(0, waiting).Select(_ => gate.TryEnterAsync(CancellationToken.None)).ToList();
        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), gate.RetryAfter());
        GC.KeepAlive(waiters);
    }
}
