"""What the example scripts share: the connection options (endpoint, CURVE keys, timeout) and
a plain-text table. Not part of the client library (kervan_client.py, kervan_transit.py)."""

import argparse
from typing import Dict

import kervan_client


def add_connection_arguments(parser: argparse.ArgumentParser) -> None:
    """--endpoint, --server-key and --client-key (--timeout-ms comes after each script's own
    options: add_timeout_argument)."""
    parser.add_argument("--endpoint", required=True,
                        help="the server, e.g. tcp://127.0.0.1:7420 or ipc:///run/kervan.sock")
    parser.add_argument("--server-key", metavar="FILE",
                        help="the server's public key (CURVE); with --client-key")
    parser.add_argument("--client-key", metavar="FILE",
                        help="this client's key pair from `kervan keygen` (CURVE)")


def add_timeout_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--timeout-ms", type=int, default=5000)


def check_connection_arguments(parser: argparse.ArgumentParser, args) -> None:
    if (args.server_key is None) != (args.client_key is None):
        parser.error("--server-key and --client-key go together (neither: an insecure server)")


def security_of(args) -> Dict[str, bytes]:
    """The CURVE keyword arguments of kervan_client.Client, or none for an insecure server."""
    if args.server_key is None:
        return {}
    keys = kervan_client.load_keypair(args.client_key)
    return {"server_public_key": kervan_client.load_public_key(args.server_key),
            "public_key": keys.public, "secret_key": keys.secret}


def print_table(headers, rows, out) -> None:
    """Left-aligned first column, right-aligned others."""
    cells = [list(map(str, headers))] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for row in cells:
        parts = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:])]
        print("  " + "  ".join(parts).rstrip(), file=out)
