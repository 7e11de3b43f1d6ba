#!/usr/bin/env python3
"""Submits messages to one recipient over one SMTP session, for bench/delivery/run.sh.

Usage: submit.py HOST PORT COUNT RECIPIENT RUN_ID

Each message gets the Message-ID <bench-RUN_ID-N@bench-client.example>. Any reply other than
250 to a transaction stops the script with an error.
"""
import smtplib
import sys


def main() -> None:
    host, port, count, recipient, run_id = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
    sender = "bench@localhost"
    with smtplib.SMTP(host, port, local_hostname="bench-client.example", timeout=60) as smtp:
        for number in range(count):
            message = (
                f"From: <{sender}>\r\n"
                f"To: <{recipient}>\r\n"
                f"Subject: delivery benchmark {number}\r\n"
                f"Message-ID: <bench-{run_id}-{number}@bench-client.example>\r\n"
                "\r\n"
                f"Delivery benchmark message {number}.\r\n"
            )
            smtp.sendmail(sender, [recipient], message)


if __name__ == "__main__":
    main()
