namespace Tern.IntegrationTests.Delivery;

/// <summary>
/// Tests that stop the lab Postfix (<c>lab.sh mx-stop</c>) to run their own receivers on the lab MX
/// host addresses. xunit runs a collection with parallelization disabled only after every parallel
/// collection has finished, so no test of the delivery and DANE lab collections, which need the lab
/// Postfix, runs while it is stopped.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LabReceiverCollectionDefinition : ICollectionFixture<DeliveryLabFixture>
{
    public const string Name = "Lab MX receivers";
}
