using CsCheck;
using Listings.Tests.Infrastructure;

namespace Listings.Tests.Unit;

public sealed class PropertyCheckTests
{
    private static readonly Gen<string> Text = Gen.String[0, 20];

    [Fact]
    public void ARunSeedYieldsTheSameInputsEveryTime() =>
        Assert.Equal(PropertyCheck.Inputs(Text, 42, 50), PropertyCheck.Inputs(Text, 42, 50));

    [Fact]
    public void AnotherRunSeedYieldsOtherInputs() =>
        Assert.NotEqual(PropertyCheck.Inputs(Text, 42, 50), PropertyCheck.Inputs(Text, 43, 50));

    [Fact]
    public async Task AFailureNamesASeedThatRegeneratesTheFailingInputWhenPinned()
    {
        var failing = new List<int>();
        Task NoMultipleOfSevenPlusThree(int value)
        {
            failing.Add(value);
            return value % 7 == 3 ? throw new InvalidOperationException($"{value} breaks it") : Task.CompletedTask;
        }

        var failure = await Assert.ThrowsAsync<PropertyFailedException>(
            () => PropertyCheck.SampleAsync(Gen.Int[0, 1000], NoMultipleOfSevenPlusThree, iterations: 500));
        var seed = failure.Message.Split('"')[1];
        var firstFailing = failing[^1];
        failing.Clear();

        // Pinned, the seed alone regenerates that input, before any run seed's.
        var replay = await Assert.ThrowsAsync<PropertyFailedException>(
            () => PropertyCheck.SampleAsync(Gen.Int[0, 1000], NoMultipleOfSevenPlusThree, iterations: 500, seed));

        Assert.Equal([firstFailing], failing);
        Assert.Contains($"pinned seed {seed}", replay.Message);
        Assert.Equal($"{firstFailing} breaks it", replay.InnerException!.Message);
    }
}
