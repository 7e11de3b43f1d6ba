namespace Tern.Smtp.Protocol;

/// <summary>
/// The fixed replies of the server session, with their RFC 3463 enhanced status codes. Replies that name
/// the host or a queue id are built where they are sent.
/// </summary>
internal static class SmtpReplies
{
    public static readonly SmtpReply Ok = new(250, "2.0.0", "Ok");
    public static readonly SmtpReply SenderOk = new(250, "2.1.0", "Ok");
    public static readonly SmtpReply RecipientOk = new(250, "2.1.5", "Ok");
    public static readonly SmtpReply Bye = new(221, "2.0.0", "Bye");
    public static readonly SmtpReply ReadyToStartTls = new(220, "2.0.0", "Ready to start TLS");

    // RFC 5321 section 3.5.3: 252 neither confirms nor denies the address. A precise reply would let
    // clients harvest addresses, so VRFY never gives one.
    public static readonly SmtpReply CannotVerify = new(252, "2.5.0", "Address not verified; send the message and delivery will be attempted");

    // RFC 5321 section 4.2.2: 354 is an intermediate reply, and RFC 3463 classes cover only 2, 4 and 5.
    public static readonly SmtpReply StartMailInput = new(354, null, "End data with <CR><LF>.<CR><LF>");

    public static readonly SmtpReply Help = new(214, "2.0.0",
    [
        "Commands: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY HELP STARTTLS",
        "See RFC 5321 for their syntax",
    ]);

    // RFC 5321 section 4.2.4: 500 for a command the server does not recognize, 502 for one it recognizes
    // but does not implement.
    public static readonly SmtpReply UnknownCommand = new(500, "5.5.1", "Command unrecognized");
    public static readonly SmtpReply LineTooLong = new(500, "5.5.2", "Line too long");
    public static readonly SmtpReply CommandBareLineEnding = new(500, "5.5.2", "Bare CR or LF in command line; lines end with CRLF");
    public static readonly SmtpReply CommandNotUtf8 = new(500, "5.5.2", "Command line is not valid UTF-8");

    // RFC 5321 section 4.1.1.4 forbids NUL in SMTP text, commands included.
    public static readonly SmtpReply CommandContainsNul = new(500, "5.5.2", "Command line contains a NUL octet");
    public static readonly SmtpReply NotImplemented = new(502, "5.5.1", "Command not implemented");
    public static readonly SmtpReply TlsNotAvailable = new(502, "5.5.1", "STARTTLS not available");

    public static readonly SmtpReply EhloSyntax = new(501, "5.5.4", "Syntax: EHLO domain or address literal");
    public static readonly SmtpReply HeloSyntax = new(501, "5.5.4", "Syntax: HELO domain");
    public static readonly SmtpReply MailSyntax = new(501, "5.5.4", "Syntax: MAIL FROM:<address> [parameters]");
    public static readonly SmtpReply RcptSyntax = new(501, "5.5.4", "Syntax: RCPT TO:<address> [parameters]");
    public static readonly SmtpReply VrfySyntax = new(501, "5.5.4", "Syntax: VRFY string");
    public static readonly SmtpReply BdatSyntax = new(501, "5.5.4", "Syntax: BDAT size [LAST]");
    public static readonly SmtpReply NoArguments = new(501, "5.5.4", "This command takes no arguments");
    public static readonly SmtpReply SenderSyntax = new(501, "5.1.7", "Invalid sender address syntax");
    public static readonly SmtpReply RecipientSyntax = new(501, "5.1.3", "Invalid recipient address syntax");

    // RFC 5321 sections 2.2.1 and 4.1.1.1: service extensions exist only in a session opened with EHLO,
    // and section 4.1.1.11 rejects parameters of extensions not offered with 555.
    public static readonly SmtpReply ParametersNeedEhlo = new(555, "5.5.4", "MAIL and RCPT parameters require EHLO");

    // BDAT belongs to CHUNKING (RFC 3030), which HELO does not offer.
    public static readonly SmtpReply BdatNeedsEhlo = new(503, "5.5.1", "BDAT requires EHLO");

    public static readonly SmtpReply SendHelloFirst = new(503, "5.5.1", "Send EHLO or HELO first");
    public static readonly SmtpReply NestedMail = new(503, "5.5.1", "Sender already given; send RSET to start over");
    public static readonly SmtpReply NeedMail = new(503, "5.5.1", "Send MAIL first");
    public static readonly SmtpReply DataAfterBdat = new(503, "5.5.1", "DATA cannot follow BDAT in one transaction");
    public static readonly SmtpReply TlsAlreadyActive = new(503, "5.5.1", "TLS already active");
    public static readonly SmtpReply TlsInTransaction = new(503, "5.5.1", "STARTTLS is not allowed during a mail transaction");

    // RFC 5321 section 3.3 allows 503 or 554 for DATA without an accepted recipient. With 554 "no valid
    // recipients" a pipelining client learns that its RCPTs failed, not that it sent DATA too early.
    // BDAT gets the same reply.
    public static readonly SmtpReply NoValidRecipients = new(554, "5.5.1", "No valid recipients");

    // RFC 3207: a server that requires TLS replies 530 to mail commands until STARTTLS.
    public static readonly SmtpReply StartTlsRequired = new(530, "5.7.0", "Must issue a STARTTLS command first");

    // RFC 5321 section 4.5.3.1.10: with 452 the client sends the remaining recipients in a later transaction.
    public static readonly SmtpReply TooManyRecipients = new(452, "4.5.3", "Too many recipients");

    // RFC 1870: a declared or actual size over the limit gets 552.
    public static readonly SmtpReply SizeExceeded = new(552, "5.3.4", "Declared SIZE exceeds the maximum message size");
    public static readonly SmtpReply MessageTooBig = new(552, "5.3.4", "Message too big");

    // RFC 5321 section 2.3.8 allows only CRLF as a line ending. A server that took a bare LF or CR as one
    // would let a client smuggle a second message past a relay that reads only one, so the whole
    // message is rejected.
    public static readonly SmtpReply MessageBareLineEnding = new(550, "5.5.2", "Message contains bare CR or LF; lines end with CRLF");

    // RFC 5321 section 4.5.3.1.6 limits a text line to 1000 octets including CRLF. The fault is in the
    // content rather than the protocol exchange, so the reply is the media error 5.6.0 with 554
    // "transaction failed", which section 4.3.2 lists for the end of DATA.
    public static readonly SmtpReply MessageLineTooLong = new(554, "5.6.0", "Message contains a line longer than 1000 octets");

    // RFC 5321 section 4.1.1.4 forbids NUL in message text. Only BODY=BINARYMIME (RFC 3030) would allow
    // it, and the session does not offer that body type.
    public static readonly SmtpReply MessageContainsNul = new(550, "5.6.0", "Message contains a NUL octet");

    // RFC 5322 section 3.6 requires at least the Date and From header fields, so zero octets cannot be a
    // message. Only that case is rejected: the header fields themselves are not checked.
    public static readonly SmtpReply EmptyMessage = new(554, "5.6.0", "Message is empty");

    // RFC 6531 section 3.5: an address with UTF-8 in a transaction without SMTPUTF8 gets 553 with X.6.7.
    public static readonly SmtpReply NonAsciiAddress = new(553, "5.6.7", "Non-ASCII address requires the SMTPUTF8 parameter");

    // SMTP AUTH replies, from RFC 4954 sections 4 and 6 unless noted.
    public static readonly SmtpReply AuthSucceeded = new(235, "2.7.0", "Authentication successful");
    public static readonly SmtpReply AuthFailed = new(535, "5.7.8", "Authentication credentials invalid");
    public static readonly SmtpReply AuthNeedsTls = new(538, "5.7.11", "Encryption required for requested authentication mechanism");
    public static readonly SmtpReply AuthNeedsEhlo = new(503, "5.5.1", "Send EHLO first");
    public static readonly SmtpReply AlreadyAuthenticated = new(503, "5.5.1", "Already authenticated");
    public static readonly SmtpReply AuthInTransaction = new(503, "5.5.1", "AUTH is not allowed during a mail transaction");
    public static readonly SmtpReply AuthCanceled = new(501, "5.7.0", "Authentication canceled");
    public static readonly SmtpReply AuthInvalidBase64 = new(501, "5.5.2", "Invalid base64 data");
    public static readonly SmtpReply AuthInvalidResponse = new(501, "5.5.2", "Invalid SASL response");
    public static readonly SmtpReply AuthSyntax = new(501, "5.5.4", "Syntax: AUTH mechanism [initial-response]");
    public static readonly SmtpReply AuthUnknownMechanism = new(504, "5.5.4", "Unrecognized authentication mechanism");
    public static readonly SmtpReply AuthLineTooLong = new(500, "5.5.6", "Authentication exchange line is too long");
    public static readonly SmtpReply AuthTemporaryFailure = new(454, "4.7.0", "Temporary authentication failure");

    // RFC 4616 section 2: PLAIN starts with an empty challenge, which is "334 " on the wire.
    public static readonly SmtpReply PlainChallenge = new(334, null, string.Empty);

    // The LOGIN mechanism has no RFC; clients expect the base64 forms of "Username:" and "Password:".
    public static readonly SmtpReply LoginUserNameChallenge = new(334, null, "VXNlcm5hbWU6");
    public static readonly SmtpReply LoginPasswordChallenge = new(334, null, "UGFzc3dvcmQ6");

    public static readonly SmtpReply StorageFailed = new(451, "4.3.0", "Local error in processing; try again later");
}
