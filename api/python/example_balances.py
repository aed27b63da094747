#!/usr/bin/python3
"""An analyst's look at a Kervan server: a ping, some accounts' balances, one account's latest
transfers, and the server's counters. Reads only (an analyst's key is enough).

    /usr/bin/python3 api/python/example_balances.py --endpoint tcp://127.0.0.1:7420 \\
        --server-key server.pub --client-key analyst.key --accounts 1,2,3 --account 1

--server-key names a file holding the server's public key (the 40 Z85 characters that
`kervan serve` logs as server_public_key=..., or a key pair file: only its public line is read);
--client-key a key pair written by `kervan keygen` and registered with `kervan register-client`.
Without keys the server must run with --insecure yes. Exit status: 0, or 1 when the server
does not answer in time or refuses a request.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import kervan_client  # noqa: E402  (found beside this script)


def parse_id(text: str) -> int:
    """A u128 id, decimal or 0x-prefixed hexadecimal."""
    value = int(text, 0)
    if not 0 < value <= kervan_client.U128_MAX:
        raise argparse.ArgumentTypeError(f"{text} is not an id (1 to 2^128 - 1)")
    return value


def parse_ids(text: str):
    return [parse_id(part) for part in text.split(",") if part.strip()]


def print_table(headers, rows, out) -> None:
    """Left-aligned first column, right-aligned numbers."""
    cells = [list(map(str, headers))] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for row in cells:
        parts = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:])]
        print("  " + "  ".join(parts).rstrip(), file=out)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--endpoint", required=True,
                        help="the server, e.g. tcp://127.0.0.1:7420 or ipc:///run/kervan.sock")
    parser.add_argument("--server-key", metavar="FILE",
                        help="the server's public key (CURVE); with --client-key")
    parser.add_argument("--client-key", metavar="FILE",
                        help="this client's key pair from `kervan keygen` (CURVE)")
    parser.add_argument("--accounts", type=parse_ids, default=[1, 2, 3, 4], metavar="ID,ID,...",
                        help="accounts whose balances to show (default 1,2,3,4)")
    parser.add_argument("--account", type=parse_id, metavar="ID",
                        help="account whose latest transfers to show (default: the first of "
                             "--accounts)")
    parser.add_argument("--limit", type=int, default=10,
                        help="how many of its latest transfers (default 10)")
    parser.add_argument("--timeout-ms", type=int, default=5000)
    args = parser.parse_args(argv)
    if (args.server_key is None) != (args.client_key is None):
        parser.error("--server-key and --client-key go together (neither: an insecure server)")
    if not 1 <= args.limit <= kervan_client.BATCH_EVENTS_MAX:
        parser.error(f"--limit must be within 1 to {kervan_client.BATCH_EVENTS_MAX}")

    security = {}
    if args.server_key is not None:
        keys = kervan_client.load_keypair(args.client_key)
        security = {"server_public_key": kervan_client.load_public_key(args.server_key),
                    "public_key": keys.public, "secret_key": keys.secret}
    out = sys.stdout
    try:
        with kervan_client.Client(args.endpoint, timeout_ms=args.timeout_ms, **security) as client:
            rtt = client.ping()
            print(f"server {args.endpoint}: ping {rtt * 1000:.2f} ms", file=out)

            accounts = client.lookup_accounts(args.accounts)
            print("\naccounts (balances in minor units of the ledger's currency):", file=out)
            print_table(
                ("id", "ledger", "code", "debits_pending", "debits_posted", "credits_pending",
                 "credits_posted", "balance"),
                [(a.id, a.ledger, a.code, a.debits_pending, a.debits_posted, a.credits_pending,
                  a.credits_posted, a.balance) for a in accounts], out)
            missing = sorted(set(args.accounts) - {a.id for a in accounts})
            if missing:
                print("  not found: " + ", ".join(map(str, missing)), file=out)

            account = args.account if args.account is not None else args.accounts[0]
            transfers = client.get_account_transfers(account, args.limit, reversed=True)
            print(f"\nlatest transfers of account {account} (newest first, at most "
                  f"{args.limit}):", file=out)
            print_table(
                ("timestamp_ns", "id", "side", "debit_account", "credit_account", "amount",
                 "ledger", "code", "flags"),
                [(t.timestamp, t.id, "debit" if t.debit_account_id == account else "credit",
                  t.debit_account_id, t.credit_account_id, t.amount, t.ledger, t.code, t.flags)
                 for t in transfers], out)
            if not transfers:
                print("  none", file=out)

            print("\nserver counters:", file=out)
            print_table(("counter", "value"), list(client.stats().items()), out)
    except TimeoutError as error:
        hint = "is the server up" + (", and is this key registered?" if security else "?")
        print(f"example_balances: {error} ({hint})", file=sys.stderr)
        return 1
    except kervan_client.KervanError as error:
        print(f"example_balances: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
