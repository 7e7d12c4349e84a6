using Listings.AppHost;
using Listings.AppHost.Database;

var builder = DistributedApplication.CreateBuilder(args);

var database = builder.AddListingsDatabase();

builder.AddProject<Projects.Listings_Api>("api")
    .WithReference(database)
    .WaitFor(database)
    .WithSeedData()
    .WithHttpHealthCheck("/health")
    .WithExternalHttpEndpoints();

builder.Build().Run();
