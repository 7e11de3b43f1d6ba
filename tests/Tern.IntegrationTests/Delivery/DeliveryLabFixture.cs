using System.Text.Json;
using Tern.IntegrationTests.Dane;

namespace Tern.IntegrationTests.Delivery;

/// <summary>
/// The lab facts that the delivery tests need beyond <see cref="LabFixture"/>: the log of the receiving
/// lab Postfix, the sending Postfix instance, and tern-mx.example, whose MX host the tests serve.
/// Construction fails when the lab is down or older than these facts.
/// </summary>
public sealed class DeliveryLabFixture
{
    public DeliveryLabFixture()
    {
        Lab = new LabFixture();
        var factsFile = Path.Combine(Lab.LabDirectory, "run", "lab.json");
        using var document = JsonDocument.Parse(File.ReadAllText(factsFile));
        var root = document.RootElement;
        if (!root.TryGetProperty("sender", out var sender) || !root.TryGetProperty("testMxZones", out var testMxZones))
        {
            throw new InvalidOperationException(
                $"{factsFile} has no sender or testMxZones: the lab was started by an older lab.sh; run eng/lab/lab.sh down, then up");
        }

        var mail = root.GetProperty("mail");
        ReceiverLog = new PostfixLog(mail.GetProperty("log").GetString()!);
        MailDelivery = mail.GetProperty("delivery").GetString()!;
        SenderConfigDirectory = sender.GetProperty("config").GetString()!;
        SenderLog = new PostfixLog(sender.GetProperty("log").GetString()!);
        TernMx = testMxZones.EnumerateArray().Select(TestMxZone.Parse).Single(zone => zone.Domain == "tern-mx.example");
        MxServers = LabMxServer.ParseAll(root);
    }

    public LabFixture Lab { get; }

    /// <summary>The log of the lab Postfix that receives on every lab MX host address.</summary>
    public PostfixLog ReceiverLog { get; }

    /// <summary><c>discard</c> or <c>maildir</c>: what the lab Postfix does with the mail it accepts.</summary>
    public string MailDelivery { get; }

    /// <summary>The configuration directory of the sending lab Postfix, for its <c>sendmail -C</c>.</summary>
    public string SenderConfigDirectory { get; }

    public PostfixLog SenderLog { get; }

    public TestMxZone TernMx { get; }

    /// <summary>The lab's SMTP servers, where the lab Postfix receives unless <c>lab.sh mx-stop</c> stopped it.</summary>
    public IReadOnlyList<LabMxServer> MxServers { get; }
}
