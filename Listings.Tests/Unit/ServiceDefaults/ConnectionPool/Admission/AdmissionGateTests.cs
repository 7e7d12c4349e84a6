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
    public async Task AWaiterAfterAQuietSpellIsStillRefusedAtTheBoundWhileTheSlotStaysHeld()
    {
        var clock = new FakeTimeProvider();
        using var gate = OneSlot(clock);
        using var holder = await gate.TryEnterAsync(CancellationToken.None);
        var first = gate.TryEnterAsync(CancellationToken.None).AsTask();
        clock.Advance(Bound);
        Assert.False((await first).Admitted);

        // Nobody waits for a minute: the sweep stops; the next waiter starts it again.
        clock.Advance(TimeSpan.FromMinutes(1));
        var second = gate.TryEnterAsync(CancellationToken.None).AsTask();
        clock.Advance(Bound - TimeSpan.FromMilliseconds(20));
        Assert.False(second.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(20));

        Assert.False((await second).Admitted);
    }

    [Fact]
    public async Task WhenTheQueueWouldTakeLongerThanTheBoundToDrainTheNewestWaiterIsServedFirst()
    {
        var clock = new FakeTimeProvider();
        using var gate = OneSlot(clock);
        // Four slots freed in a second of waiting: three waiters would take 0.75 s in order, over the 0.5 s bound.
        await FreeSlotsWhileRequestsWaitAsync(gate, clock, freed: 4);
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
    public async Task AfterAnIdleSpellABurstIsJudgedByTheRateMeasuredWhileRequestsWaited()
    {
        var clock = new FakeTimeProvider();
        using var gate = OneSlot(clock);
        // Ten slots freed in a second of waiting; then a minute in which nobody came.
        await FreeSlotsWhileRequestsWaitAsync(gate, clock, freed: 10);
        clock.Advance(TimeSpan.FromMinutes(1));

        var holder = await gate.TryEnterAsync(CancellationToken.None);
        var burst = Enumerable.Range(0, 4).Select(_ => gate.TryEnterAsync(CancellationToken.None).AsTask()).ToList();

        // Four waiters drain in 0.4 s at ten a second: within the bound, so in order, and capacity in about a second.
        Assert.False(gate.ServesNewestFirst);
        Assert.Equal(TimeSpan.FromSeconds(1), gate.RetryAfter());
        holder.Dispose();
        Assert.True((await burst[0]).Admitted);
        Assert.All(burst.Skip(1), waiter => Assert.False(waiter.IsCompleted));
    }

    [Fact]
    public async Task ASlotHeldWhileRequestsWaitTakesRetryAfterToTheLongestWithinTwoSecondsOfWaiting()
    {
        var clock = new FakeTimeProvider();
        using var gate = new AdmissionGate(1, 100, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(30), clock);
        await FreeSlotsWhileRequestsWaitAsync(gate, clock, freed: 10);
        using var holder = await gate.TryEnterAsync(CancellationToken.None);
        var waiter = gate.TryEnterAsync(CancellationToken.None).AsTask();
        Assert.Equal(TimeSpan.FromSeconds(1), gate.RetryAfter());

        // The first second of waiting still holds the slot freed as the measurement above ended; the next holds none.
        clock.Advance(TimeSpan.FromSeconds(1));
        gate.RetryAfter();
        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(TimeSpan.FromSeconds(30), gate.RetryAfter());
        Assert.False(waiter.IsCompleted);
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
    public async Task RetryAfterIsTheQueueAheadAtTheRateSlotsWereFreedWhileRequestsWaited(int freedInASecondOfWaiting, int waiting, int expectedSeconds)
    {
        var clock = new FakeTimeProvider();
        using var gate = new AdmissionGate(1, 1000, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(30), clock);
        var holder = await gate.TryEnterAsync(CancellationToken.None);
        var waiters = Enumerable.Range(0, freedInASecondOfWaiting + waiting).Select(_ => gate.TryEnterAsync(CancellationToken.None)).ToList();
        foreach (var next in waiters.Take(freedInASecondOfWaiting))
        {
            holder.Dispose();
            holder = await next;
        }

        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), gate.RetryAfter());
    }

    [Fact]
    public async Task BeforeAnyoneWaitedRetryAfterIsTheLongest()
    {
        var clock = new FakeTimeProvider();
        using var gate = new AdmissionGate(1, 1000, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(30), clock);
        (await gate.TryEnterAsync(CancellationToken.None)).Dispose();
        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(TimeSpan.FromSeconds(30), gate.RetryAfter());
    }

    // One slot passed down a queue that never empties, `freed` times in one second of waiting, at even steps; then the
    // queue empties: the gate has measured `freed` slots freed per second while requests waited.
    private static async Task FreeSlotsWhileRequestsWaitAsync(AdmissionGate gate, FakeTimeProvider clock, int freed)
    {
        var holder = await gate.TryEnterAsync(CancellationToken.None);
        var next = gate.TryEnterAsync(CancellationToken.None);
        for (var i = 0; i < freed; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(1.0 / freed));
            holder.Dispose();
            holder = await next;
            next = gate.TryEnterAsync(CancellationToken.None);
        }

        holder.Dispose();
        (await next).Dispose();
        Assert.Equal(0, gate.QueueLength);
    }
}
