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

import example_common  # noqa: E402  (found beside this script)
import kervan_client  # noqa: E402


def parse_id(text: str) -> int:
    """A u128 id, decimal or 0x-prefixed hexadecimal."""
    value = int(text, 0)
    if not 0 < value <= kervan_client.U128_MAX:
        raise argparse.ArgumentTypeError(f"{text} is not an id (1 to 2^128 - 1)")
    return value


def parse_ids(text: str):
    return [parse_id(part) for part in text.split(",") if part.strip()]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    example_common.add_connection_arguments(parser)
    parser.add_argument("--accounts", type=parse_ids, default=[1, 2, 3, 4], metavar="ID,ID,...",
                        help="accounts whose balances to show (default 1,2,3,4)")
    parser.add_argument("--account", type=parse_id, metavar="ID",
                        help="account whose latest transfers to show (default: the first of "
                             "--accounts)")
    parser.add_argument("--limit", type=int, default=10,
                        help="how many of its latest transfers (default 10)")
    example_common.add_timeout_argument(parser)
    args = parser.parse_args(argv)
    example_common.check_connection_arguments(parser, args)
    if not 1 <= args.limit <= kervan_client.BATCH_EVENTS_MAX:
        parser.error(f"--limit must be within 1 to {kervan_client.BATCH_EVENTS_MAX}")

    security = example_common.security_of(args)
    out = sys.stdout
    try:
        with kervan_client.Client(args.endpoint, timeout_ms=args.timeout_ms, **security) as client:
            rtt = client.ping()
            print(f"server {args.endpoint}: ping {rtt * 1000:.2f} ms", file=out)

            accounts = client.lookup_accounts(args.accounts)
            print("\naccounts (balances in minor units of the ledger's currency):", file=out)
            example_common.print_table(
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
            example_common.print_table(
                ("timestamp_ns", "id", "side", "debit_account", "credit_account", "amount",
                 "ledger", "code", "flags"),
                [(t.timestamp, t.id, "debit" if t.debit_account_id == account else "credit",
                  t.debit_account_id, t.credit_account_id, t.amount, t.ledger, t.code, t.flags)
                 for t in transfers], out)
            if not transfers:
                print("  none", file=out)

            print("\nserver counters:", file=out)
            example_common.print_table(("counter", "value"), list(client.stats().items()), out)
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
