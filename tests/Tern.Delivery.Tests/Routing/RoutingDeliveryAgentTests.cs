using Tern.Delivery.Routing;
using Tern.Queue;

namespace Tern.Delivery.Tests.Routing;

public sealed class RoutingDeliveryAgentTests
{
    [Fact]
    public async Task Recipients_SplitByDomain_ResultsInOrder()
    {
        var local = new EchoAgent("local");
        var remote = new EchoAgent("remote");
        var router = new RoutingDeliveryAgent(["Example.org"], local, remote);

        var results = await router.DeliverAsync(Request("a@example.net", "b@EXAMPLE.ORG", "nodomain", "c@example.com", "d@example.org"), CancellationToken.None);

        Assert.Equal(["remote:a@example.net", "local:b@EXAMPLE.ORG", "local:nodomain", "remote:c@example.com", "local:d@example.org"], results.Select(r => r.Reply));
        Assert.Equal([["b@EXAMPLE.ORG", "nodomain", "d@example.org"]], local.Calls);
        Assert.Equal([["a@example.net", "c@example.com"]], remote.Calls);
    }

    [Fact]
    public async Task OnlyLocalRecipients_RemoteNotCalled()
    {
        var local = new EchoAgent("local");
        var remote = new EchoAgent("remote");
        var router = new RoutingDeliveryAgent(["example.org"], local, remote);

        await router.DeliverAsync(Request("a@example.org"), CancellationToken.None);

        Assert.Empty(remote.Calls);
    }

    private static DeliveryRequest Request(params string[] recipients)
    {
        var envelope = new QueueEnvelope
        {
            Sender = "s@example.org",
            Recipients = [.. recipients.Select(r => new QueueRecipient { Address = r })],
            ArrivalTime = DateTimeOffset.UnixEpoch,
        };
        return new DeliveryRequest(QueueEntry.Create(new QueueId(1), envelope), envelope.Recipients, _ => ValueTask.FromResult<Stream>(new MemoryStream()));
    }

    private sealed class EchoAgent(string name) : IDeliveryAgent
    {
        public List<string[]> Calls { get; } = [];

        public ValueTask<IReadOnlyList<DeliveryResult>> DeliverAsync(DeliveryRequest request, CancellationToken cancellationToken)
        {
            Calls.Add([.. request.Recipients.Select(r => r.Address)]);
            return ValueTask.FromResult<IReadOnlyList<DeliveryResult>>(
                [.. request.Recipients.Select(r => DeliveryResult.Delivered(name, "2.0.0", $"{name}:{r.Address}"))]);
        }
    }
}
