using Listings.Testing;
using Listings.Tests.Infrastructure;
using Npgsql;

namespace Listings.Tests.Integration;

/// <summary>
/// The replicated fixture itself: a real streaming standby that shows the primary's commits once it has replayed
/// them, not while replay is paused, refuses writes, and streams again after a restart. Every wait is a bounded poll.
/// </summary>
public sealed class StreamingStandbyTests(ReplicatedPostgres fixture) : IClassFixture<ReplicatedPostgres>
{
    // Far above the milliseconds replication takes on loopback: only a standby that stopped streaming crosses it.
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private PostgresServer Primary => fixture.Primary;

    private PostgresServer Standby => fixture.Standby;

    [Fact]
    public async Task StandbyIsInRecoveryAndStreamsFromThePrimaryWithoutASlot()
    {
        Assert.True(Standby.IsStandby);
        Assert.False(Primary.IsStandby);
        Assert.NotEqual(Primary.Port, Standby.Port);
        Assert.True(await ScalarAsync<bool>(Standby, "SELECT pg_is_in_recovery()"));
        Assert.False(await ScalarAsync<bool>(Primary, "SELECT pg_is_in_recovery()"));

        await Poll.UntilAsync(async () => await StreamingSendersAsync() == 1, "one streaming WAL sender on the primary", Bound);
        Assert.Equal(0L, await ScalarAsync<long>(Primary, "SELECT count(*) FROM pg_replication_slots"));
    }

    [Fact]
    public async Task RowCommittedOnThePrimaryIsVisibleOnTheStandbyAfterReplay()
    {
        var table = NewTable();
        await ExecuteAsync(Primary, $"CREATE TABLE {table} (id int PRIMARY KEY, title text NOT NULL)");
        await ExecuteAsync(Primary, $"INSERT INTO {table} VALUES (1, 'first')");

        await WaitForReplayAsync();

        Assert.Equal("first", await ScalarAsync<string>(Standby, $"SELECT title FROM {table} WHERE id = 1"));
    }

    [Fact]
    public async Task WhileReplayIsPausedANewRowIsReceivedButNotVisibleAndAfterResumeItIs()
    {
        var table = NewTable();
        await ExecuteAsync(Primary, $"CREATE TABLE {table} (id int PRIMARY KEY)");
        await ExecuteAsync(Primary, $"INSERT INTO {table} VALUES (1)");
        await WaitForReplayAsync();

        await Standby.PauseReplayAsync(CancellationToken.None);
        try
        {
            var replayedBefore = await Standby.ReplayLsnAsync(CancellationToken.None);
            await ExecuteAsync(Primary, $"INSERT INTO {table} VALUES (2)");
            var committed = await Primary.CurrentWalLsnAsync(CancellationToken.None);

            // The commit has reached the standby (received and flushed there): only replay is held back.
            await Poll.UntilAsync(async () => await Standby.ReceiveLsnAsync(CancellationToken.None) >= committed,
                "the standby to receive the new row's WAL", Bound);
            Assert.Equal(1L, await ScalarAsync<long>(Standby, $"SELECT count(*) FROM {table}"));
            Assert.Equal(replayedBefore, await Standby.ReplayLsnAsync(CancellationToken.None));
            Assert.True(await Standby.ReplayLsnAsync(CancellationToken.None) < committed);
        }
        finally
        {
            await Standby.ResumeReplayAsync(CancellationToken.None);
        }

        await WaitForReplayAsync();
        Assert.Equal(2L, await ScalarAsync<long>(Standby, $"SELECT count(*) FROM {table}"));
    }

    [Fact]
    public async Task StandbyRefusesWrites()
    {
        var table = NewTable();
        await ExecuteAsync(Primary, $"CREATE TABLE {table} (id int PRIMARY KEY)");
        await WaitForReplayAsync();

        var insert = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(Standby, $"INSERT INTO {table} VALUES (1)"));
        Assert.Equal(PostgresErrorCodes.ReadOnlySqlTransaction, insert.SqlState);
        var create = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(Standby, "CREATE TABLE refused (id int)"));
        Assert.Equal(PostgresErrorCodes.ReadOnlySqlTransaction, create.SqlState);
    }

    [Fact]
    public async Task StoppedStandbyStartedAgainCatchesUpOnWhatWasCommittedMeanwhileAndStreamsOn()
    {
        var table = NewTable();
        await ExecuteAsync(Primary, $"CREATE TABLE {table} (id int PRIMARY KEY)");
        await WaitForReplayAsync();

        await Standby.StopAsync(CancellationToken.None);
        try
        {
            await Poll.UntilAsync(async () => await StreamingSendersAsync() == 0, "the primary to notice the standby is gone", Bound);
            await ExecuteAsync(Primary, $"INSERT INTO {table} VALUES (1)");
        }
        finally
        {
            await Standby.StartAgainAsync(CancellationToken.None);
        }

        Assert.True(await ScalarAsync<bool>(Standby, "SELECT pg_is_in_recovery()"));
        await WaitForReplayAsync();
        Assert.Equal(1L, await ScalarAsync<long>(Standby, $"SELECT count(*) FROM {table}"));

        // Streaming, not only a replay of what was copied: a commit after the restart arrives too.
        await Poll.UntilAsync(async () => await StreamingSendersAsync() == 1, "the standby to stream again", Bound);
        await ExecuteAsync(Primary, $"INSERT INTO {table} VALUES (2)");
        await WaitForReplayAsync();
        Assert.Equal(2L, await ScalarAsync<long>(Standby, $"SELECT count(*) FROM {table}"));
    }

    [Fact]
    public async Task ASecondStandbyDisposedLeavesNoSlotAndNoSenderOnThePrimary()
    {
        var table = NewTable();
        await ExecuteAsync(Primary, $"CREATE TABLE {table} (id int PRIMARY KEY)");
        await ExecuteAsync(Primary, $"INSERT INTO {table} VALUES (1)");

        await using (var second = await Primary.StartStandbyAsync(CancellationToken.None))
        {
            using var bound = new CancellationTokenSource(Bound);
            await Primary.WaitForReplayAsync(second, bound.Token);
            Assert.Equal(1L, await ScalarAsync<long>(second, $"SELECT count(*) FROM {table}"));
            await Poll.UntilAsync(async () => await StreamingSendersAsync() == 2, "two streaming WAL senders", Bound);
        }

        await Poll.UntilAsync(async () => await StreamingSendersAsync() == 1, "the second standby's sender to end", Bound);
        Assert.Equal(0L, await ScalarAsync<long>(Primary, "SELECT count(*) FROM pg_replication_slots"));

        // The fixture's standby is unaffected.
        await ExecuteAsync(Primary, $"INSERT INTO {table} VALUES (2)");
        await WaitForReplayAsync();
        Assert.Equal(2L, await ScalarAsync<long>(Standby, $"SELECT count(*) FROM {table}"));
    }

    private static string NewTable() => $"standby_{Guid.NewGuid():N}";

    private async Task WaitForReplayAsync()
    {
        using var bound = new CancellationTokenSource(Bound);
        await Primary.WaitForReplayAsync(Standby, bound.Token);
    }

    private Task<long> StreamingSendersAsync() =>
        ScalarAsync<long>(Primary, "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'");

    private static async Task ExecuteAsync(PostgresServer server, string sql)
    {
        await using var connection = await server.OpenAsync("postgres", CancellationToken.None);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<T> ScalarAsync<T>(PostgresServer server, string sql)
    {
        await using var connection = await server.OpenAsync("postgres", CancellationToken.None);
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
