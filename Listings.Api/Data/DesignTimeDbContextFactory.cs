using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Listings.Api.Data;

/// <summary>
/// Lets <c>dotnet ef migrations</c> build the model without the host, which needs the connection string Aspire injects.
/// The connection is never opened.
/// </summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<ListingsDbContext>
{
    public ListingsDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<ListingsDbContext>()
            .UseNpgsql("Host=localhost;Database=listings")
            .Options);
}
