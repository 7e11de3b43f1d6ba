namespace Tern.Queue;

/// <summary>A recipient that a delivery attempt bounced, with the result that made it final.</summary>
/// <param name="Recipient">The envelope recipient, with its NOTIFY and ORCPT parameters.</param>
/// <param name="Result">
/// The bounce as logged; after the maximal queue lifetime it has status code 4.4.7 and the last
/// deferral's reply after "delivery time expired: ".
/// </param>
public sealed record BouncedRecipient(QueueRecipient Recipient, DeliveryResult Result);
