namespace Tern.IntegrationTests.Dane;

/// <summary>The tests that use the DANE lab; they share one <see cref="LabFixture"/> and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class LabCollectionDefinition : ICollectionFixture<LabFixture>
{
    public const string Name = "DANE lab";
}
