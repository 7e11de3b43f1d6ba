namespace Tern.IntegrationTests.Delivery;

/// <summary>
/// The delivery tests. They share one <see cref="DeliveryLabFixture"/> and run one after another,
/// because several of them listen on the fixed address of mx.tern-mx.example.
/// </summary>
[CollectionDefinition(Name)]
public sealed class DeliveryLabCollectionDefinition : ICollectionFixture<DeliveryLabFixture>
{
    public const string Name = "Delivery lab";
}
