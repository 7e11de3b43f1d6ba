namespace Tern.Queue;

/// <summary>Delivers one queued message to some of its recipients; the queue runner calls it.</summary>
public interface IDeliveryAgent
{
    /// <summary>
    /// Attempts delivery to every recipient in <see cref="DeliveryRequest.Recipients"/> and returns
    /// one result per recipient, in the same order. An exception defers all of them.
    /// </summary>
    ValueTask<IReadOnlyList<DeliveryResult>> DeliverAsync(DeliveryRequest request, CancellationToken cancellationToken);
}
