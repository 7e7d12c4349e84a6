using System.Runtime.InteropServices;
using Listings.Benchmarks.Cache;
using Listings.Benchmarks.Ceiling;
using Listings.Benchmarks.Compare;
using Listings.Benchmarks.Faults;
using Listings.Benchmarks.Replicas;
using Listings.Benchmarks.Throughput;

// Usage: dotnet run -c Release --project Listings.Benchmarks -- [--quick] [--out benchmarks/results]
//    or: dotnet run -c Release --project Listings.Benchmarks -- faults [--quick] [--out benchmarks/results]
//    or: dotnet run -c Release --project Listings.Benchmarks -- ceiling [--quick] [--out benchmarks/results]
//    or: dotnet run -c Release --project Listings.Benchmarks -- compare --baseline <git-ref> [--candidate <git-ref>]
//            [--baseline-env KEY=VALUE]... [--candidate-env KEY=VALUE]... [--quick] [--out benchmarks/results]
//        (two builds of Listings.Api side by side with the raw-Npgsql endpoint; --candidate defaults to HEAD)
//    or: dotnet run -c Release --project Listings.Benchmarks -- replicas [--quick] [--out benchmarks/results]
//        (the API on a primary alone against the API with a streaming standby as its read replica)
//    or: dotnet run -c Release --project Listings.Benchmarks -- cache [--quick] [--out benchmarks/results]
//        (two API processes with the cache of public reads, without it, and the raw-Npgsql ceiling, under 95 % reads and
//        5 % writes; every read checked for staleness against the writes answered before it)
using var cancellation = new CancellationTokenSource();

// Ctrl+C and SIGTERM cancel the run instead of ending the process, so the API processes and the PostgreSQL server
// are stopped by the run's own clean-up and no server is left behind.
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    cancellation.Cancel();
});

if (CeilingOptions.IsInvocation(args))
{
    return await CeilingRun.RunAsync(args[1..], cancellation.Token);
}

if (CompareOptions.IsInvocation(args))
{
    return await CompareRun.RunAsync(args[1..], cancellation.Token);
}

if (CacheRunOptions.IsInvocation(args))
{
    return await CacheRun.RunAsync(args[1..], cancellation.Token);
}

if (ReplicaOptions.IsInvocation(args))
{
    return await ReplicaRun.RunAsync(args[1..], cancellation.Token);
}

return FaultOptions.IsInvocation(args)
    ? await FaultRun.RunAsync(args[1..], cancellation.Token)
    : await BenchmarkRun.RunAsync(args, cancellation.Token);
