using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Listings.Api.Data;

/// <summary>
/// Lets <c>dotnet ef migrations</c> build the model without starting the host, which would need the
/// <c>listingsdb</c> connection string Aspire injects at run time. The connection is never opened.
/// </summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<ListingsDbContext>
{
    public ListingsDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<ListingsDbContext>()
            .UseNpgsql("Host=localhost;Database=listings")
            .Options);
}
