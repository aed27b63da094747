#!/usr/bin/python3
"""An analyst's look at the transit ledger of a Kervan server: a guarantee provider's exposure
per principal, and a country's duty statement. Reads only (an analyst's key reads both; a
provider's key its own exposure; a customs key its country's duties).

    /usr/bin/python3 api/python/example_exposure.py --endpoint tcp://127.0.0.1:7420 \\
        --server-key server.pub --client-key analyst.key --provider 20 --country KZ \\
        --currency EUR --from 2026-01-01 --to 2026-12-31

--server-key and --client-key as in example_balances.py (neither: a server run with
--insecure yes). --from and --to bound the duty statement's claims and payments (UTC days,
inclusive; neither: all time); what is suspended under guarantee is always as of now. Amounts
are exact decimals of the currency's minor units. Exit status: 0, or 1 when the server does not
answer in time, refuses a query (forbidden: this key may not read it) or finds the period
invalid.
"""

import argparse
import datetime
import os
import sys
from typing import Dict, List, Tuple

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import example_common  # noqa: E402  (found beside this script)
import kervan_client  # noqa: E402
import kervan_transit  # noqa: E402

# Pages of at most QUERY_LIST_ENTRIES_MAX rows: a bound on the pages one listing asks for.
PAGES_MAX = 1000


def parse_party(text: str) -> int:
    value = int(text, 10)
    if not 0 < value <= kervan_transit.U64_MAX:
        raise argparse.ArgumentTypeError(f"{text} is not a party id (1 to 2^64 - 1)")
    return value


def parse_date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text} is not a date YYYY-MM-DD") from None


def exposure_rows(client, provider: int) -> Tuple[int, List[kervan_transit.ExposureRow]]:
    """Every row of the provider's exposure, page after page (each page is read at its own
    moment: rows may move between pages while the ledger changes)."""
    rows: List[kervan_transit.ExposureRow] = []
    total = 0
    for _ in range(PAGES_MAX):
        exposure = kervan_transit.query_exposure(client, provider, skip=len(rows)).value
        total = exposure.total
        rows.extend(exposure.rows)
        if not exposure.rows or len(rows) >= total:
            break
    return total, rows


def print_exposure(client, provider: int, out) -> None:
    total, rows = exposure_rows(client, provider)
    print(f"exposure of provider {provider}: {total} principal and currency rows", file=out)
    example_common.print_table(
        ("principal", "currency", "reserved", "drawn", "open_movements", "guarantees"),
        [(r.principal, r.currency, r.reserved.text, r.drawn.text, r.open_movements,
          r.guarantees) for r in rows], out)
    sums: Dict[str, List[int]] = {}
    for r in rows:
        reserved, drawn = sums.setdefault(r.currency, [0, 0])
        sums[r.currency] = [reserved + r.reserved.minor, drawn + r.drawn.minor]
    for currency, (reserved, drawn) in sorted(sums.items()):
        print(f"  total {currency}: reserved {kervan_transit.Amount(reserved, currency)}, "
              f"drawn {kervan_transit.Amount(drawn, currency)}", file=out)


def print_duties(client, country: str, currency: str, period, out) -> bool:
    """The statement, or False when the server finds the period invalid."""
    from_ns, to_ns = kervan_transit.day_period_ns(*period) if period else (0, 0)
    answer = kervan_transit.query_duties(client, country, currency, from_ns, to_ns)
    if not answer.ok:
        print(f"duty statement of {country}: {answer.result}", file=sys.stderr)
        return False
    d = answer.value
    when = f"{period[0]} to {period[1]}" if period else "all time"
    print(f"\nduty statement of {d.country} in {d.currency}, {when}:", file=out)
    example_common.print_table(
        ("item", "amount"),
        [("suspended now", str(d.suspended_now)), ("claims", d.claims),
         ("claimed", str(d.claimed)), ("drawn from cover", str(d.drawn)),
         ("uncovered", str(d.uncovered)), ("collected", str(d.collected))], out)
    return True


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    example_common.add_connection_arguments(parser)
    parser.add_argument("--provider", type=parse_party, required=True,
                        help="the guarantee provider's party id")
    parser.add_argument("--country", required=True, help="ISO 3166 code, e.g. KZ")
    parser.add_argument("--currency", default="EUR", help="ISO 4217 code (default EUR)")
    parser.add_argument("--from", dest="first", type=parse_date, metavar="YYYY-MM-DD")
    parser.add_argument("--to", dest="last", type=parse_date, metavar="YYYY-MM-DD")
    example_common.add_timeout_argument(parser)
    args = parser.parse_args(argv)
    example_common.check_connection_arguments(parser, args)
    if (args.first is None) != (args.last is None):
        parser.error("--from and --to go together (neither: all time)")
    if args.country not in kervan_transit.COUNTRIES:
        parser.error(f"--country {args.country} is not an ISO 3166 alpha-2 code")
    if args.currency not in kervan_transit.CURRENCY_NUMBERS:
        parser.error(f"--currency {args.currency} is not a supported ISO 4217 code")
    period = (args.first, args.last) if args.first is not None else None

    security = example_common.security_of(args)
    out = sys.stdout
    try:
        with kervan_client.Client(args.endpoint, timeout_ms=args.timeout_ms, **security) as client:
            print_exposure(client, args.provider, out)
            if not print_duties(client, args.country, args.currency, period, out):
                return 1
    except TimeoutError as error:
        hint = "is the server up" + (", and is this key registered?" if security else "?")
        print(f"example_exposure: {error} ({hint})", file=sys.stderr)
        return 1
    except kervan_client.KervanError as error:
        print(f"example_exposure: {error}", file=sys.stderr)
        return 1
    except ValueError as error:  # A period outside 1970..2554.
        print(f"example_exposure: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
