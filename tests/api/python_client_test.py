#!/usr/bin/python3
"""Tests of the Python client (api/python/kervan_client.py) and its transit queries
(api/python/kervan_transit.py). Run by /usr/bin/python3, which sees Debian's pyzmq
(python3-zmq).

The codec tests need nothing else (some read C++ sources, to check the modules' copies of their
tables). The end-to-end tests start a real `kervan serve` as a subprocess over ipc in a
temporary folder; they need the binary's path in KERVAN_BINARY (ctest sets it) and are skipped,
saying why, without it.
"""

import dataclasses
import datetime
import json
import os
import re
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.dont_write_bytecode = True  # No __pycache__ left in the source tree.
ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "api", "python"))

import zmq  # noqa: E402

import kervan_client as kc  # noqa: E402
import kervan_transit as kt  # noqa: E402
from kervan_client import Account, Transfer  # noqa: E402

OP = kc.OPERATIONS
KERVAN_BINARY = os.environ.get("KERVAN_BINARY", "")
EXAMPLE = os.path.join(ROOT, "api", "python", "example_balances.py")
EXAMPLE_EXPOSURE = os.path.join(ROOT, "api", "python", "example_exposure.py")


# ---------------------------------------------------------------------------------------------
# Helpers.

def patch(frame: bytes, offset: int, fmt: str, value, fix_header_checksum: bool = True) -> bytes:
    """The frame with one field overwritten and, by default, the header checksum made right
    again (so that the damage reaches a later check)."""
    b = bytearray(frame)
    struct.pack_into("<" + fmt, b, offset, value)
    if fix_header_checksum:
        struct.pack_into("<I", b, 60, kc.crc32c(bytes(b[:60])))
    return bytes(b)


def reply_frame(operation, request_id=7, count=0, body=b"", status=0):
    return kc.encode_message(OP[operation] if isinstance(operation, str) else operation,
                             request_id, count, body, flags=kc.FLAG_REPLY, status=status)


def status_of(frame: bytes, decoder=kc.decode_reply) -> str:
    try:
        decoder(frame)
    except kc.ProtocolError as error:
        return error.status
    return "ok"


def parse_x_macro(path: str, macro: str):
    """[(name, number)] of an X-macro list `#define MACRO(X) X(name, n) ...` in a C++ header."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    match = re.search(r"#define\s+" + re.escape(macro) + r"\(X\)((?:[^\n]*\\\n)*[^\n]*)", text)
    if match is None:
        raise AssertionError(f"{macro} not found in {path}")
    return [(name, int(number))
            for name, number in re.findall(r"X\(\s*(\w+)\s*,\s*(\d+)\s*\)", match.group(1))]


def wait_for(predicate, timeout_s: float, what: str, step_s: float = 0.02):
    """Polls `predicate` until true, at most timeout_s (a bounded wait on a condition)."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")
        time.sleep(step_s)


# Transit bodies and answers, built byte by byte from the grammar of api/protocol.cc and
# api/transit_query.cc (apart from the module under test, so that each checks the other).

def u8(v): return struct.pack("<B", v)
def u16(v): return struct.pack("<H", v)
def u32(v): return struct.pack("<I", v)
def u64(v): return struct.pack("<Q", v)
def i32(v): return struct.pack("<i", v)


def text_bytes(text: str) -> bytes:
    raw = text.encode("latin-1")
    return u8(len(raw)) + raw


def country_bytes(code: str) -> bytes:
    return u16((ord(code[0]) << 8 | ord(code[1])) if code else 0)


def amount_bytes(minor: int, numeric: int = 978) -> bytes:
    return minor.to_bytes(16, "little", signed=True) + u16(numeric)


# The largest payload (command, query, access codes) a request's transit body carries.
REQUEST_PAYLOAD_MAX = kc.TRANSIT_BODY_BYTES_MAX - kc.TRANSIT_BODY_PREFIX_BYTES


def transit_body(payload: bytes, codes: bytes = b"", as_of_ns: int = 0, pad: bytes = b"",
                 length=None, codes_length=None) -> bytes:
    """A transit body with each field settable on its own: the lengths default to the parts',
    the padding to zeros up to 8 (``pad`` replaces it)."""
    used = 16 + len(payload) + len(codes)
    padding = pad if pad else bytes(-used % 8)
    return (u32(len(payload) if length is None else length)
            + u32(len(codes) if codes_length is None else codes_length) + u64(as_of_ns)
            + payload + codes + padding)


GRN_1 = kt.make_grn(26, "KZ", "000000000001")  # 26KZ0000000000015 (docs/identifiers.md).
MRN_1 = kt.make_mrn(26, "KZ", "MRN000000006")
T0 = 1_795_000_000_000_000_000  # 2026-11-18T11:06:40Z, an instant of the answers below.
EUR, USD = 978, 840


def history_bytes(event: int, country: str, party: int, at_ns: int) -> bytes:
    return u8(event) + country_bytes(country) + u64(party) + u64(at_ns)


def movement_parts() -> dict:
    """The parts, in order, of an ok movement answer; a case replaces one."""
    return {
        "head": u8(0) + u8(1),
        "mrn": text_bytes(MRN_1),
        "principal": u64(30),
        "itinerary": (u8(2) + country_bytes("KZ") + amount_bytes(1_835_000)
                      + country_bytes("KG") + amount_bytes(1_720_000)),
        "goods": (u8(2) + u32(870323) + amount_bytes(2_500_000)
                  + u32(0) + amount_bytes(90_000, USD)),
        "time_limit": u64(T0 + 9),
        "references": u8(1) + text_bytes(GRN_1) + amount_bytes(1_835_000) + u8(1) + u8(255),
        "amounts": u8(2) + u32(1),
        "state": u8(8),
        "times": u64(T0) + u64(T0 + 1) + u64(0),
        "counts": u8(1) + u16(0) + u8(2),
        "claim": country_bytes("KZ") + amount_bytes(125_000) + amount_bytes(125_000),
        "paid": u16(1) + u64(T0 + 4),
        "history": (u8(2) + history_bytes(1, "CN", 30, T0) + history_bytes(2, "KZ", 10, T0 + 1)),
    }


MOVEMENT_1 = kt.Movement(
    mrn=MRN_1, principal=30, itinerary=("KZ", "KG"),
    duties=(kt.Amount(1_835_000, "EUR"), kt.Amount(1_720_000, "EUR")),
    goods=(kt.GoodsLine(870323, kt.Amount(2_500_000, "EUR")),
           kt.GoodsLine(0, kt.Amount(90_000, "USD"))),
    time_limit_ns=T0 + 9,
    references=(kt.GuaranteeReference(GRN_1, kt.Amount(1_835_000, "EUR"), True, 255),),
    amounts="computed", reference_version=1, state="claimed", declared_ns=T0, released_ns=T0 + 1, arrived_ns=0, crossings=1,
    discharged_references=0, duties_released=2, claim_country="KZ",
    claimed=kt.Amount(125_000, "EUR"), drawn=kt.Amount(125_000, "EUR"), paid_references=1,
    claimed_ns=T0 + 4,
    history=(kt.HistoryEntry("declared", "CN", 30, T0),
             kt.HistoryEntry("released", "KZ", 10, T0 + 1)))


def guarantee_parts() -> dict:
    return {
        "head": u8(0) + u8(2),
        "grn": text_bytes(GRN_1),
        "type": u8(1),
        "parties": u64(20) + u64(30),
        "reference_amount": amount_bytes(10_000_000),
        "reduction": u8(50),
        "validity": i32(10957) + i32(20453),  # 2000-01-01, 2025-12-31.
        "countries": u8(1) + country_bytes("KZ"),
        "sensitive": u8(1) + u32(8703),
        "hashes": u8(0),
        "status": u8(4),
        "liberation": i32(20818),  # 2026-12-31.
        "used": u8(1),
        "amendments": u32(2),
        "balance": (amount_bytes(5_000_000) + amount_bytes(1_835_000) + amount_bytes(125_000)
                    + amount_bytes(3_040_000) + u32(1)),
    }


GUARANTEE_1 = kt.Guarantee(
    grn=GRN_1, type="comprehensive", provider=20, principal=30,
    reference_amount=kt.Amount(10_000_000, "EUR"), reduction_percent=50,
    valid_from=datetime.date(2000, 1, 1), valid_to=datetime.date(2025, 12, 31),
    countries=("KZ",), sensitive_headings=(8703,), access_code_hashes=(), status="cancelled",
    liability_liberation=datetime.date(2026, 12, 31), used=True, amendments=2,
    balance=kt.GuaranteeBalance(kt.Amount(5_000_000, "EUR"), kt.Amount(1_835_000, "EUR"),
                                kt.Amount(125_000, "EUR"), kt.Amount(3_040_000, "EUR"), 1))


def usage_entry_bytes(mrn: str = MRN_1, state: int = 2) -> bytes:
    return text_bytes(mrn) + amount_bytes(1_835_000) + u64(T0 + 1) + u64(0) + u8(state)


def exposure_row_bytes(principal: int = 30, numeric: int = EUR) -> bytes:
    return (u64(principal) + amount_bytes(1_835_000, numeric) + amount_bytes(0, numeric)
            + u32(1) + u32(2))


def duty_parts() -> dict:
    return {
        "head": u8(0) + u8(5),
        "period": u64(T0) + u64(T0 + 100),
        "country": country_bytes("KZ"),
        "currency": u16(EUR),
        "amounts": b"".join(amount_bytes(m) for m in (1, 2, 3, 4, 5)),
        "claims": u32(6),
    }


def joined(parts: dict, **replace) -> bytes:
    assert set(replace) <= set(parts), set(replace) - set(parts)
    return b"".join(replace.get(name, part) for name, part in parts.items())


def answer_status(data: bytes) -> str:
    """"ok" when decode_answer takes the bytes, else the ProtocolError's status."""
    try:
        kt.decode_answer(data)
    except kc.ProtocolError as error:
        return error.status
    return "ok"

# ---------------------------------------------------------------------------------------------
# The codec.

class Crc32cTest(unittest.TestCase):
    def test_known_answers(self):
        self.assertEqual(kc.crc32c(b"123456789"), 0xE3069283)
        self.assertEqual(kc.crc32c(b""), 0)
        # RFC 3720 (iSCSI), appendix B.4.
        self.assertEqual(kc.crc32c(bytes(32)), 0x8A9136AA)
        self.assertEqual(kc.crc32c(b"\xff" * 32), 0x62A8AB43)
        self.assertEqual(kc.crc32c(bytes(range(32))), 0x46DD794E)
        self.assertEqual(kc.crc32c(bytes(range(31, -1, -1))), 0x113FDB5C)

    def test_continues_from_a_previous_value(self):
        self.assertEqual(kc.crc32c(b"56789", kc.crc32c(b"1234")), 0xE3069283)

    def test_table_has_256_entries(self):
        self.assertEqual(len(kc._CRC32C_TABLE), 256)
        self.assertEqual(kc._CRC32C_TABLE[1], 0xF26B8303)


class HeaderTest(unittest.TestCase):
    def test_request_layout_byte_by_byte(self):
        body = bytes(range(16))
        frame = kc.encode_message(OP["lookup_accounts"], 0x0102030405060708, 1, body)
        self.assertEqual(len(frame), 64 + 16)
        self.assertEqual(frame[0:4], b"KRVN")
        self.assertEqual(struct.unpack_from("<HHHHI", frame, 4), (1, 4, 0, 0, 1))
        self.assertEqual(frame[16:24], bytes([8, 7, 6, 5, 4, 3, 2, 1]))
        self.assertEqual(struct.unpack_from("<II", frame, 24), (16, kc.crc32c(body)))
        self.assertEqual(frame[32:60], bytes(28))
        self.assertEqual(struct.unpack_from("<I", frame, 60)[0], kc.crc32c(frame[:60]))
        self.assertEqual(frame[64:], body)

    def test_request_round_trip(self):
        cases = [("ping", 0, b""), ("stats", 0, b""), ("create_accounts", 2, bytes(256)),
                 ("create_transfers", 1, bytes(128)), ("lookup_transfers", 3, bytes(48)),
                 ("get_account_transfers", 1, kc.encode_filter(5, 10))]
        for name, count, body in cases:
            with self.subTest(name):
                header, decoded = kc.decode_request(kc.encode_message(OP[name], 99, count, body))
                self.assertEqual((header.operation, header.flags, header.status, header.count,
                                  header.request_id, header.body_bytes),
                                 (OP[name], 0, 0, count, 99, len(body)))
                self.assertEqual(decoded, body)

    def test_reply_round_trip(self):
        cases = [("ping", 0, b"", 0), ("create_transfers", 3, bytes([0, 18, 34]) + bytes(5), 0),
                 ("lookup_accounts", 2, Account(1).encode() + Account(2).encode(), 0),
                 ("get_account_transfers", 0, b"", 0), ("stats", 2, bytes(16), 0),
                 ("create_accounts", 0, b"", kc.STATUS_NUMBERS["busy"]),
                 ("feed_transfers", 1, Transfer(1).encode(), 0),
                 ("transit_command", 1, bytes(8), 0)]
        for name, count, body, status in cases:
            with self.subTest(name):
                header, decoded = kc.decode_reply(reply_frame(name, 12345, count, body, status))
                self.assertEqual((header.operation, header.flags, header.status, header.count,
                                  header.request_id), (OP[name], 1, status, count, 12345))
                self.assertEqual(decoded, body)

    def test_transit_command_request_body(self):
        command = b"\x01" * 5
        body = struct.pack("<IIQ", len(command), 0, 0) + command + bytes(3)  # 24 bytes.
        frame = kc.encode_message(OP["transit_command"], 1, 1, body)
        self.assertEqual(status_of(frame, kc.decode_request), "ok")
        bad = kc.encode_message(OP["transit_command"], 1, 1, body[:-1] + b"\x01")
        self.assertEqual(status_of(bad, kc.decode_request), "count_mismatch")


class DecodeRejectsTest(unittest.TestCase):
    """Each damage gets its status, in the order of docs/protocol.md ("Checks, in order")."""

    def setUp(self):
        self.body = bytes([0, 21]) + bytes(6)  # create_accounts results: ok, exists.
        self.good = reply_frame("create_accounts", 5, 2, self.body)
        self.assertEqual(status_of(self.good), "ok")

    def test_length(self):
        self.assertEqual(status_of(self.good[:63]), "frame_too_short")
        self.assertEqual(status_of(b""), "frame_too_short")
        too_long = reply_frame("lookup_accounts", 1, 0, b"") + bytes(kc.FRAME_BYTES_MAX)
        self.assertEqual(status_of(too_long), "frame_too_long")

    def test_bad_magic(self):
        self.assertEqual(status_of(patch(self.good, 0, "I", 0x4E56524C)), "bad_magic")
        # Magic comes before the header checksum: both wrong is bad_magic.
        self.assertEqual(status_of(patch(self.good, 0, "I", 0, fix_header_checksum=False)),
                         "bad_magic")

    def test_header_checksum(self):
        for offset in (4, 12, 16, 33, 59, 60):
            with self.subTest(offset=offset):
                damaged = bytearray(self.good)
                damaged[offset] ^= 0x10
                self.assertEqual(status_of(bytes(damaged)), "header_checksum_mismatch")
        try:
            kc.decode_reply(patch(self.good, 16, "Q", 1, fix_header_checksum=False))
        except kc.ProtocolError as error:
            self.assertIsNone(error.header)  # Not trusted before the checksum holds.

    def test_version_operation_flags_status(self):
        self.assertEqual(status_of(patch(self.good, 4, "H", 2)), "unsupported_version")
        self.assertEqual(status_of(patch(self.good, 6, "H", 0)), "unknown_operation")
        first_unknown_operation = max(kc.OPERATION_NAMES) + 1
        self.assertEqual(status_of(patch(self.good, 6, "H", first_unknown_operation)),
                         "unknown_operation")
        self.assertEqual(status_of(patch(self.good, 8, "H", 0)), "flags_invalid")
        self.assertEqual(status_of(patch(self.good, 8, "H", 3)), "flags_invalid")
        first_unknown = max(kc.PROTOCOL_STATUSES) + 1
        self.assertEqual(status_of(patch(self.good, 10, "H", first_unknown)), "status_not_zero")
        # After the header checksum the header is trusted: the error carries the request id.
        try:
            kc.decode_reply(patch(self.good, 4, "H", 2))
        except kc.ProtocolError as error:
            self.assertEqual(error.header.request_id, 5)

    def test_reserved(self):
        self.assertEqual(status_of(patch(self.good, 40, "B", 1)), "reserved_not_zero")
        self.assertEqual(status_of(patch(self.good, 56, "I", 1)), "reserved_not_zero")

    def test_body_length(self):
        self.assertEqual(status_of(self.good + bytes(8)), "body_length_mismatch")
        self.assertEqual(status_of(self.good[:-8]), "body_length_mismatch")
        self.assertEqual(status_of(patch(self.good, 24, "I", 16)), "body_length_mismatch")

    def test_count(self):
        self.assertEqual(status_of(patch(self.good, 12, "I", 9)), "count_mismatch")
        self.assertEqual(status_of(reply_frame("create_accounts", 1, 0, b"")), "count_zero")
        self.assertEqual(status_of(reply_frame("lookup_accounts", 1, 1, bytes(127))),
                         "count_mismatch")
        self.assertEqual(status_of(reply_frame("ping", 1, 1, b"")), "count_too_large")
        self.assertEqual(status_of(reply_frame("stats", 1, 1025, bytes(8 * 1025))),
                         "count_too_large")
        # A reply that is not ok has no body.
        self.assertEqual(status_of(reply_frame("lookup_accounts", 1, 1, bytes(128), status=15)),
                         "count_mismatch")
        self.assertEqual(status_of(reply_frame("lookup_accounts", 1, 1, b"", status=15)),
                         "count_too_large")

    def test_body_checksum(self):
        damaged = bytearray(self.good)
        damaged[64] ^= 1
        self.assertEqual(status_of(bytes(damaged)), "body_checksum_mismatch")
        self.assertEqual(status_of(patch(self.good, 28, "I", 0)), "body_checksum_mismatch")

    def test_results_padding(self):
        body = bytes([0, 21, 0, 0, 0, 0, 0, 1])
        self.assertEqual(status_of(reply_frame("create_accounts", 1, 2, body)),
                         "reserved_not_zero")

    def test_requests_are_not_replies(self):
        request = kc.encode_message(OP["ping"], 1, 0)
        self.assertEqual(status_of(request), "flags_invalid")
        self.assertEqual(status_of(self.good, kc.decode_request), "flags_invalid")
        feed = kc.encode_message(OP["feed_accounts"], 1, 0)
        self.assertEqual(status_of(feed, kc.decode_request), "unknown_operation")


QUERY_1 = kt.encode_query(kt.MovementQuery(MRN_1))  # 20 bytes: a body of 40.
CODES_2 = kc.encode_access_codes(["ab12", ""])  # 7 bytes, the last 0.
CODES_AB_C = kc.encode_access_codes(["ab12", "c"])  # 8 bytes, the last "c".
# Requests of transit_command and transit_query: (name, operation, count, body, status of
# decode_request), each with one defect (or none). The end-to-end test sends them all to a real
# server and expects its decoder's status to be the same.
TRANSIT_REQUEST_CASES = [
    ("query", "transit_query", 1, transit_body(QUERY_1), "ok"),
    ("query, access codes", "transit_query", 1, transit_body(QUERY_1, CODES_2),
     "reserved_not_zero"),
    ("query, A without codes", "transit_query", 1,
     transit_body(QUERY_1 + bytes(4), codes_length=4, length=len(QUERY_1)), "reserved_not_zero"),
    ("query, as_of_ns", "transit_query", 1, transit_body(QUERY_1, as_of_ns=1),
     "reserved_not_zero"),
    ("query, padding not zero", "transit_query", 1, transit_body(QUERY_1, pad=bytes(3) + b"\1"),
     "count_mismatch"),
    ("query, padding not zero and as_of_ns (check 10 first)", "transit_query", 1,
     transit_body(QUERY_1, as_of_ns=1, pad=b"\1" + bytes(3)), "count_mismatch"),
    ("query, one padding byte short", "transit_query", 1, transit_body(QUERY_1)[:-1],
     "count_mismatch"),
    ("query, 8 padding bytes more", "transit_query", 1, transit_body(QUERY_1) + bytes(8),
     "count_mismatch"),
    ("query, L 0", "transit_query", 1, transit_body(b"", pad=bytes(8)), "count_mismatch"),
    ("query, L past the end", "transit_query", 1, transit_body(QUERY_1, length=64),
     "count_mismatch"),
    ("query, no body", "transit_query", 1, b"", "count_mismatch"),
    ("query, prefix only", "transit_query", 1, bytes(16), "count_mismatch"),
    ("query, count 0", "transit_query", 0, transit_body(QUERY_1), "count_mismatch"),
    ("query, count 2", "transit_query", 2, transit_body(QUERY_1), "count_too_large"),
    ("query, count 0, no body", "transit_query", 0, b"", "count_mismatch"),
    ("query, body of 513 KiB + 16", "transit_query", 1,
     transit_body(b"\x01" + bytes(REQUEST_PAYLOAD_MAX - 1)), "ok"),
    ("query, body of 513 KiB + 24", "transit_query", 1,
     transit_body(b"\x01" + bytes(REQUEST_PAYLOAD_MAX)), "count_mismatch"),
    ("command", "transit_command", 1, transit_body(b"\xee" * 5), "ok"),
    ("command, access codes", "transit_command", 1, transit_body(b"\xee" * 5, CODES_2), "ok"),
    ("command, as_of_ns", "transit_command", 1, transit_body(b"\xee" * 5, as_of_ns=7), "ok"),
    ("command, access codes ending at 8", "transit_command", 1,
     transit_body(b"\xee" * 5, kc.encode_access_codes(["abc"])), "ok"),
    ("command, access codes, padding not zero", "transit_command", 1,
     transit_body(b"\xee" * 5, CODES_2, pad=bytes(3) + b"\1"), "count_mismatch"),
    ("command, A past the end", "transit_command", 1,
     transit_body(b"\xee" * 5, CODES_2, codes_length=len(CODES_2) + 8), "count_mismatch"),
    ("command, A 1 short: its last code byte is taken for padding", "transit_command", 1,
     transit_body(b"\xee" * 5, CODES_AB_C, codes_length=len(CODES_AB_C) - 1),
     "count_mismatch"),
    ("command, A 1 short, the byte zero: framed (the list is the server's to refuse)",
     "transit_command", 1, transit_body(b"\xee" * 5, CODES_2, codes_length=len(CODES_2) - 1),
     "ok"),
    ("command, count 2", "transit_command", 2, transit_body(b"\xee" * 5, CODES_2),
     "count_too_large"),
]


class TransitFramingTest(unittest.TestCase):
    """transit_command and transit_query bodies: check 10 of docs/protocol.md for transit
    operations, then the reserved A and as_of_ns of a query and of its answer."""

    def test_requests(self):
        for name, operation, count, body, expected in TRANSIT_REQUEST_CASES:
            with self.subTest(name):
                frame = kc.encode_message(OP[operation], 3, count, body)
                self.assertEqual(status_of(frame, kc.decode_request), expected)

    def test_reserved_comes_before_the_body_checksum(self):
        frame = kc.encode_message(OP["transit_query"], 3, 1, transit_body(QUERY_1, as_of_ns=1))
        self.assertEqual(status_of(patch(frame, 28, "I", 0), kc.decode_request),
                         "reserved_not_zero")
        good = kc.encode_message(OP["transit_query"], 3, 1, transit_body(QUERY_1))
        self.assertEqual(status_of(patch(good, 28, "I", 0), kc.decode_request),
                         "body_checksum_mismatch")

    def test_replies(self):
        answer = u8(1) + u8(1)  # not_found, movement.
        limit = 256 * 1024
        forbidden = kc.STATUS_NUMBERS["forbidden"]
        cases = [
            ("answer", 1, transit_body(answer), 0, "ok"),
            ("answer, access codes", 1, transit_body(answer, b"\0"), 0, "reserved_not_zero"),
            ("answer, as_of_ns", 1, transit_body(answer, as_of_ns=5), 0, "reserved_not_zero"),
            ("answer, padding not zero", 1, transit_body(answer, pad=b"\1" + bytes(5)), 0,
             "count_mismatch"),
            ("answer, count 0", 0, transit_body(answer), 0, "count_mismatch"),
            ("answer, count 0, no body", 0, b"", 0, "count_mismatch"),
            ("answer, count 2", 2, transit_body(answer), 0, "count_too_large"),
            ("answer of 256 KiB + 16", 1, transit_body(b"\1" + bytes(limit - 1)), 0, "ok"),
            ("answer of 256 KiB + 24", 1, transit_body(b"\1" + bytes(limit)), 0,
             "count_mismatch"),
            ("forbidden", 0, b"", forbidden, "ok"),
            ("forbidden with an answer", 1, transit_body(answer), forbidden, "count_mismatch"),
            ("forbidden with a count", 1, b"", forbidden, "count_too_large"),
        ]
        for name, count, body, status, expected in cases:
            with self.subTest(name):
                frame = reply_frame("transit_query", 9, count, body, status)
                self.assertEqual(status_of(frame), expected)
        # An answer has a limit of its own (256 KiB and the prefix): 16 KiB + 24 is valid.
        self.assertEqual(status_of(reply_frame("transit_query", 9, 1,
                                               transit_body(b"\1" + bytes(16 * 1024)))), "ok")

    def test_transit_command_reply_is_one_padded_result(self):
        self.assertEqual(status_of(reply_frame("transit_command", 1, 1, bytes(8))), "ok")
        self.assertEqual(status_of(reply_frame("transit_command", 1, 1, b"\0\1" + bytes(6))),
                         "reserved_not_zero")
        self.assertEqual(status_of(reply_frame("transit_command", 1, 1, transit_body(b"\0"))),
                         "count_mismatch")

    def test_encode_transit_body_and_its_parts(self):
        body = kc.encode_transit_body(b"\xee" * 5, 7, CODES_2)
        self.assertEqual(body, transit_body(b"\xee" * 5, CODES_2, as_of_ns=7))
        self.assertEqual(len(body), 32)  # 16 + 5 + 7 = 28, padded.
        self.assertEqual(kc.transit_body_parts(body), (b"\xee" * 5, CODES_2, 7))
        self.assertEqual(kc.encode_transit_body(QUERY_1), transit_body(QUERY_1))
        self.assertEqual(len(kc.encode_transit_body(b"\1" * REQUEST_PAYLOAD_MAX)),
                         REQUEST_PAYLOAD_MAX + 16)
        for payload, codes in ((b"", b""), (b"\1" * (REQUEST_PAYLOAD_MAX + 1), b""),
                               (b"\1" * REQUEST_PAYLOAD_MAX, b"\0")):
            with self.assertRaises(ValueError):
                kc.encode_transit_body(payload, 0, codes)
        self.assertEqual(len(kc.encode_transit_body(b"\1" * 200_000, 0, b"",
                                                    kc.TRANSIT_ANSWER_BODY_BYTES_MAX)), 200_016)

    def test_access_codes(self):
        self.assertEqual(CODES_2, b"\x02\x04ab12\x00")
        self.assertEqual(kc.decode_access_codes(CODES_2), [b"ab12", b""])
        self.assertEqual(kc.encode_access_codes([]), b"\x00")
        nine_long = ["x" * 64] * 9
        self.assertEqual(kc.decode_access_codes(kc.encode_access_codes(nine_long)),
                         [b"x" * 64] * 9)
        for codes in (["x"] * 10, ["x" * 65]):
            with self.assertRaises(ValueError):
                kc.encode_access_codes(codes)
        malformed = [
            ("empty", b""),
            ("count 10", b"\x0a" + b"\x00" * 10),
            ("a code missing", b"\x02\x01a"),
            ("a code of 65 bytes", b"\x01\x41" + b"x" * 65),
            ("a code past the end", b"\x01\x05abc"),
            ("a byte left over", b"\x01\x01a\x00"),
        ]
        for name, data in malformed:
            with self.subTest(name), self.assertRaises(ValueError):
                kc.decode_access_codes(data)

class RecordTest(unittest.TestCase):
    def test_account_round_trip_and_layout(self):
        big = kc.U128_MAX - 1
        account = Account(id=big, ledger=978, code=0xBEEF, flags=0b110, debits_pending=1,
                          debits_posted=2 ** 127, credits_pending=3, credits_posted=4,
                          user_data_128=5, user_data_64=2 ** 64 - 1, user_data_32=7,
                          reserved=0, timestamp=2 ** 63 + 9)
        data = account.encode()
        self.assertEqual(len(data), 128)
        self.assertEqual(Account.decode(data), account)
        self.assertEqual(data[0:16], big.to_bytes(16, "little"))
        self.assertEqual(data[32:48], (2 ** 127).to_bytes(16, "little"))
        self.assertEqual(struct.unpack_from("<QIIIHHQ", data, 96),
                         (2 ** 64 - 1, 7, 0, 978, 0xBEEF, 0b110, 2 ** 63 + 9))
        self.assertEqual(Account(id=9, credits_posted=10, debits_posted=25).balance, -15)

    def test_transfer_round_trip_and_layout(self):
        transfer = Transfer(id=1, debit_account_id=2, credit_account_id=3, amount=2 ** 100,
                            pending_id=4, user_data_128=5, user_data_64=6, user_data_32=7,
                            timeout_s=8, ledger=9, code=10, flags=kc.TRANSFER_PENDING,
                            timestamp=12)
        data = transfer.encode()
        self.assertEqual(len(data), 128)
        self.assertEqual(Transfer.decode(data), transfer)
        self.assertEqual(int.from_bytes(data[48:64], "little"), 2 ** 100)
        self.assertEqual(int.from_bytes(data[64:80], "little"), 4)
        self.assertEqual(struct.unpack_from("<I", data, 108)[0], 8)  # timeout_s
        self.assertEqual(struct.unpack_from("<HH", data, 116), (10, 2))
        records = kc.decode_records(data + Transfer(id=2).encode(), Transfer)
        self.assertEqual([t.id for t in records], [1, 2])

    def test_out_of_range(self):
        with self.assertRaises(ValueError):
            Account(id=2 ** 128).encode()
        with self.assertRaises(ValueError):
            Transfer(id=1, amount=-1).encode()

    def test_filter_layout(self):
        data = kc.encode_filter(7, 25, reversed=True, debits=False, credits=True,
                                timestamp_min=100, timestamp_max=200)
        self.assertEqual(len(data), 64)
        self.assertEqual(int.from_bytes(data[:16], "little"), 7)
        self.assertEqual(struct.unpack_from("<QQII", data, 16), (100, 200, 25, 0b110))
        self.assertEqual(data[40:], bytes(24))


class CopiesMatchTheSourcesTest(unittest.TestCase):
    """The module copies numbers from C++ headers; drift fails here."""

    def test_create_account_results(self):
        parsed = parse_x_macro(os.path.join(ROOT, "ledger", "results.h"),
                               "KERVAN_CREATE_ACCOUNT_RESULTS")
        self.assertGreater(len(parsed), 20)
        self.assertEqual({n: name for name, n in parsed}, kc.CREATE_ACCOUNT_RESULTS,
                         "update CREATE_ACCOUNT_RESULTS in api/python/kervan_client.py")

    def test_create_transfer_results(self):
        parsed = parse_x_macro(os.path.join(ROOT, "ledger", "results.h"),
                               "KERVAN_CREATE_TRANSFER_RESULTS")
        self.assertGreater(len(parsed), 50)
        self.assertEqual({n: name for name, n in parsed}, kc.CREATE_TRANSFER_RESULTS,
                         "update CREATE_TRANSFER_RESULTS in api/python/kervan_client.py")

    def test_operations_and_statuses(self):
        header = os.path.join(ROOT, "api", "protocol.h")
        self.assertEqual(dict(parse_x_macro(header, "KERVAN_OPERATIONS")), kc.OPERATIONS,
                         "update OPERATIONS (and the body rules) in kervan_client.py")
        self.assertEqual({n: name for name, n in parse_x_macro(header,
                                                               "KERVAN_PROTOCOL_STATUSES")},
                         kc.PROTOCOL_STATUSES, "update PROTOCOL_STATUSES in kervan_client.py")

    def test_stats_counter_names(self):
        with open(os.path.join(ROOT, "api", "server.h"), encoding="utf-8") as f:
            text = f.read()
        struct_body = re.search(r"struct ServerCounters \{(.*?)\};", text, re.S).group(1)
        names = re.findall(r"uint64_t\s+(\w+)\s*=", struct_body)
        count = int(re.search(r"server_counters_count\s*=\s*(\d+)", text).group(1))
        self.assertEqual(len(names), count)
        self.assertEqual(tuple(names), kc.STATS_COUNTER_NAMES,
                         "update STATS_COUNTER_NAMES in api/python/kervan_client.py")


def parse_enum(path: str, enum: str):
    """{number: name} of `enum class ENUM : type { name = number, ... };` in a C++ file."""
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        text = f.read()
    match = re.search(r"enum class " + enum + r"\s*:\s*\w+\s*\{(.*?)\};", text, re.S)
    if match is None:
        raise AssertionError(f"enum class {enum} not found in {path}")
    body = re.sub(r"//[^\n]*", "", match.group(1))
    return {int(number, 0): name
            for name, number in re.findall(r"(\w+)\s*=\s*(\w+)", body)}


def parse_names(path: str, enum: str):
    """{enumerator: text} of the `case ENUM::x: return "text";` lines of a name function."""
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        text = f.read()
    return dict(re.findall(r"case " + enum + r"::(\w+):\s*return \"(\w+)\";", text))


def parse_decoder_range(variable: str) -> int:
    """The largest number decode_transit_answer (api/transit_query.cc) takes for `variable`,
    from its checks `variable >= 1 && variable <= LIMIT` (all of them must agree). LIMIT is a
    number, or a constant `constexpr uint8_t LIMIT = static_cast<uint8_t>(Enum::member);`
    whose member's number is read from its enum."""
    with open(os.path.join(ROOT, "api", "transit_query.cc"), encoding="utf-8") as f:
        text = f.read()
    found = set(re.findall(variable + r" >= 1 && " + variable + r" <= (\w+)", text))
    if len(found) != 1:
        raise AssertionError(f"checks of {variable} in api/transit_query.cc: {found}")
    limit = found.pop()
    if limit.isdigit():
        return int(limit)
    match = re.search(r"constexpr uint8_t " + limit +
                      r" = static_cast<uint8_t>\((\w+)::(\w+)\);", text)
    if match is None:
        raise AssertionError(f"{limit} not defined in api/transit_query.cc")
    enum, member = match.groups()
    numbers = {name: number
               for number, name in parse_enum("ledger/transit/transit_types.h", enum).items()}
    return numbers[member]


def parse_constant(path: str, name: str) -> str:
    """The right-hand side of `inline constexpr <type> NAME = <value>;`."""
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        text = f.read()
    match = re.search(r"inline constexpr \w+ " + name + r"\s*=\s*([^;]+);", text)
    if match is None:
        raise AssertionError(f"{name} not found in {path}")
    return match.group(1).strip()


class TransitCopiesMatchTheSourcesTest(unittest.TestCase):
    """kervan_transit copies enumerations, limits and tables from C++ sources; drift fails."""

    def test_enumerations_and_their_names(self):
        # (header, source of the names, enum, the copy, the largest number an answer carries:
        # the decoder's range where it checks one, else the whole enum).
        cases = [
            ("api/transit_query.h", "api/transit_query.cc", "QueryKind", kt.QUERY_KINDS),
            ("api/transit_query.h", "api/transit_query.cc", "QueryResult", kt.QUERY_RESULTS),
            ("ledger/transit/transit_types.h", "ledger/transit/transit_queries.cc",
             "MovementState", kt.MOVEMENT_STATES, parse_decoder_range("state")),
            ("ledger/transit/transit_types.h", "ledger/transit/transit_queries.cc",
             "MovementEvent", kt.MOVEMENT_EVENTS, parse_decoder_range("event")),
            ("ledger/transit/transit_types.h", "ledger/transit/transit_queries.cc",
             "GuaranteeStatus", kt.GUARANTEE_STATUSES, parse_decoder_range("status")),
            ("ledger/transit/transit_types.h", "ledger/transit/transit_queries.cc",
             "GuaranteeType", kt.GUARANTEE_TYPES, None),
        ]
        for header, source, enum, copy, *largest in cases:
            with self.subTest(enum):
                numbers = parse_enum(header, enum)
                names = parse_names(source, enum)
                self.assertGreaterEqual(len(numbers), 3)
                self.assertEqual(set(names), set(numbers.values()))
                if largest and largest[0] is not None:
                    self.assertTrue(set(range(1, largest[0] + 1)) <= set(numbers))
                    numbers = {n: e for n, e in numbers.items() if n <= largest[0]}
                self.assertEqual({n: names[e] for n, e in numbers.items()}, copy,
                                 f"update {enum} in api/python/kervan_transit.py")

    def test_declared_amounts(self):
        self.assertEqual(parse_enum("ledger/transit/transit_types.h", "DeclaredAmounts"),
                         kt.DECLARED_AMOUNTS, "update DECLARED_AMOUNTS in kervan_transit.py")

    def test_limits(self):
        types = "ledger/transit/transit_types.h"
        cases = [
            (types, "itinerary_max", kt.ITINERARY_MAX),
            (types, "goods_items_max", kt.GOODS_ITEMS_MAX),
            (types, "guarantee_references_max", kt.GUARANTEE_REFERENCES_MAX),
            (types, "movement_history_max", kt.MOVEMENT_HISTORY_MAX),
            (types, "guarantee_countries_max", kt.GUARANTEE_COUNTRIES_MAX),
            (types, "sensitive_headings_max", kt.SENSITIVE_HEADINGS_MAX),
            (types, "access_codes_max", kt.ACCESS_CODES_MAX),
            (types, "whole_movement", kt.WHOLE_MOVEMENT),
            ("core/password_hash.h", "password_hash_bytes", kt.ACCESS_CODE_HASH_BYTES),
            ("api/transit_query.h", "query_list_entries_max", kt.QUERY_LIST_ENTRIES_MAX),
            ("api/transit_query.h", "events_entries_max", kt.EVENTS_ENTRIES_MAX),
            ("ledger/transit/reference_versions.h", "reference_versions_max",
             kt.REFERENCE_VERSIONS_MAX),
            ("api/protocol.h", "transit_body_prefix_bytes", kc.TRANSIT_BODY_PREFIX_BYTES),
            ("api/protocol.h", "access_codes_max_per_request", kc.ACCESS_CODES_MAX_PER_REQUEST),
            ("api/protocol.h", "access_code_bytes_max", kc.ACCESS_CODE_BYTES_MAX),
            ("api/protocol.h", "operation_max", max(kc.OPERATIONS.values())),
            ("ledger/transit/transit_results.h", "transit_result_max", kt.TRANSIT_RESULT_MAX),
        ]
        for path, name, copy in cases:
            with self.subTest(name):
                self.assertEqual(int(parse_constant(path, name), 0), copy)
        for name, copy in (("transit_body_bytes_max", kc.TRANSIT_BODY_BYTES_MAX),
                           ("transit_answer_body_bytes_max", kc.TRANSIT_ANSWER_BODY_BYTES_MAX)):
            with self.subTest(name):
                kib = re.fullmatch(r"transit_body_prefix_bytes \+ (\d+) \* 1024",
                                   parse_constant("api/protocol.h", name))
                self.assertIsNotNone(kib, name)
                self.assertEqual(16 + int(kib.group(1)) * 1024, copy)

    def test_currencies(self):
        numbers = parse_enum("core/currency.h", "Currency")
        self.assertEqual(numbers.pop(0), "none")
        with open(os.path.join(ROOT, "core", "currency.cc"), encoding="utf-8") as f:
            table = re.findall(r"\{Currency::(\w+), \"([A-Z]{3})\", (\d)\}", f.read())
        by_name = {name: (code, int(exponent)) for name, code, exponent in table}
        self.assertEqual(len(by_name), int(parse_constant("core/currency.h", "currency_count")))
        self.assertEqual({n: by_name[name] for n, name in numbers.items()}, kt.CURRENCIES,
                         "update CURRENCIES in api/python/kervan_transit.py")

    def test_countries(self):
        with open(os.path.join(ROOT, "core", "country.h"), encoding="utf-8") as f:
            text = f.read()

        def literal(name):
            match = re.search(r"inline constexpr char " + name + r"\[\]\s*=((?:\s*\"[^\"]*\")+);",
                              text)
            return "".join(re.findall(r"\"([^\"]*)\"", match.group(1)))

        self.assertEqual(literal("iso_assigned_text"), kt._ISO_ASSIGNED_TEXT)
        self.assertEqual(literal("user_assigned_accepted_text"), kt._USER_ASSIGNED_ACCEPTED_TEXT)
        self.assertNotIn("UK", kt.COUNTRIES)
        self.assertIn("XK", kt.COUNTRIES)


# Reference numbers and what core/reference_number.cc says of them (to_string(ReferenceStatus)).
GRN_CASES = [
    ("26KZ0000000000015", "ok"),  # docs/identifiers.md, worked example.
    ("26KZ00000000000B5", "ok"),  # 1 and B are congruent mod 11: not caught.
    ("26KZ0000000000060", "ok"),  # Remainders 0 and 10 both give 0.
    ("26KZ0000000000070", "ok"),
    ("26KZ0000000000015A001017", "ok"),  # A voucher suffix, not covered by the check digit.
    ("26KZ0000000000016", "bad_check_digit (expected 5)"),
    ("21GB3300BE0001067A001017", "bad_check_digit (expected 0)"),  # HMRC's fixture.
    ("26KZ000000000001", "wrong_length"),
    ("26KZ0000000000015A00101", "wrong_length"),
    ("26kZ0000000000015", "bad_character_at 2"),
    ("2AKZ0000000000015", "bad_character_at 1"),
    ("26KZ00000000000-5", "bad_character_at 15"),
    ("26KZ000000000001X", "bad_character_at 16"),
    ("26KZ00000000000151001017", "bad_character_at 17"),
    ("26UK0000000000015", "unknown_country"),
    ("26XA0000000000015", "unknown_country"),
]
MRN_CASES = [
    ("26KZMRN000000006J1", "ok"),
    ("24XI000000000001M" + str(kt.iso6346_check_digit("24XI000000000001M")), "ok"),
    ("26KZMRN000000006J2", "bad_check_digit (expected 1)"),
    ("10NL5663962BE1E825", "bad_character_at 16"),  # A phase 4 MRN.
    ("23KZMRN000000006J1", "bad_year"),
    ("26EUMRN000000006J1", "unknown_country"),
    ("26KZMRN000000006N1", "bad_procedure_letter"),
    ("26KZMRN000000006J", "wrong_length"),
    ("26KZMRN000000006j1", "bad_character_at 16"),
    ("", "wrong_length"),
]


class ReferenceNumberTest(unittest.TestCase):
    def test_check_digit_known_answers(self):
        self.assertEqual(kt.iso6346_check_digit("CSQU305438"), 3)  # ISO 6346's example.
        self.assertEqual(kt.iso6346_check_digit("26KZ000000000001"), 5)
        self.assertEqual(kt.iso6346_check_digit("10NL5663962BE1E82"), 5)  # Phase 4 MRN.
        self.assertEqual(kt.iso6346_check_digit("06DE586600006143E"), 1)
        values = {c: kt._iso6346_value(c) for c in "ABKLUVZ09"}
        self.assertEqual(values, {"A": 10, "B": 12, "K": 21, "L": 23, "U": 32, "V": 34,
                                  "Z": 38, "0": 0, "9": 9})

    def test_grns_and_mrns(self):
        for text, expected in GRN_CASES:
            with self.subTest(grn=text):
                self.assertEqual(kt.grn_error(text), expected)
        for text, expected in MRN_CASES:
            with self.subTest(mrn=text):
                self.assertEqual(kt.mrn_error(text), expected)

    def test_make(self):
        self.assertEqual(kt.make_grn(26, "KZ", "000000000001"), "26KZ0000000000015")
        self.assertEqual(kt.make_grn(26, "KZ", "000000000001", "A001017"),
                         "26KZ0000000000015A001017")
        self.assertEqual(kt.make_mrn(26, "KZ", "MRN000000006"), "26KZMRN000000006J1")
        for make, args in ((kt.make_grn, (26, "UK", "000000000001")),
                           (kt.make_mrn, (23, "KZ", "MRN000000006")),
                           (kt.make_mrn, (26, "KZ", "MRN000000006", "N"))):
            with self.assertRaises(ValueError):
                make(*args)


class QueryCodingTest(unittest.TestCase):
    def test_layout_of_each_kind(self):
        cases = [
            (kt.MovementQuery(MRN_1), u8(1) + text_bytes(MRN_1)),
            (kt.GuaranteeQuery(GRN_1), u8(2) + text_bytes(GRN_1)),
            (kt.UsageQuery(GRN_1, 5, 6, 7), u8(3) + text_bytes(GRN_1) + u64(5) + u64(6) + u32(7)),
            (kt.UsageQuery(GRN_1), u8(3) + text_bytes(GRN_1) + bytes(20)),
            (kt.ExposureQuery(2 ** 64 - 1, 2 ** 32 - 1), u8(4) + b"\xff" * 12),
            (kt.ExposureQuery(0), u8(4) + bytes(12)),
            (kt.DutyQuery("KZ", "EUR", 1, 2), u8(5) + b"ZK" + u16(978) + u64(1) + u64(2)),
            (kt.DutyQuery("XI", "JPY"), u8(5) + b"IX" + u16(392) + bytes(16)),
        ]
        for query, expected in cases:
            with self.subTest(query):
                self.assertEqual(kt.encode_query(query), expected)
                self.assertEqual(kt.decode_query(expected), query)

    def test_encode_refuses_what_the_server_would(self):
        cases = [
            kt.MovementQuery("26KZMRN000000006J2"),
            kt.MovementQuery(""),
            kt.MovementQuery(GRN_1),
            kt.GuaranteeQuery("26KZ0000000000016"),
            kt.GuaranteeQuery(MRN_1),
            kt.UsageQuery(GRN_1, -1),
            kt.UsageQuery(GRN_1, 0, 2 ** 64),
            kt.UsageQuery(GRN_1, skip=2 ** 32),
            kt.ExposureQuery(-1),
            kt.ExposureQuery(1, skip=-1),
            kt.DutyQuery("UK", "EUR"),
            kt.DutyQuery("", "EUR"),
            kt.DutyQuery("KZ", "XXX"),
            kt.DutyQuery("KZ", ""),
            kt.DutyQuery("KZ", "EUR", 1.5),
        ]
        for query in cases:
            with self.subTest(query), self.assertRaises(ValueError):
                kt.encode_query(query)
        with self.assertRaises(TypeError):
            kt.encode_query("movement")

    def test_decode_refuses_what_the_server_refuses(self):
        good = kt.encode_query(kt.DutyQuery("KZ", "EUR"))
        cases = [
            ("empty", b""),
            ("kind 0", u8(0) + text_bytes(MRN_1)),
            ("kind 6", u8(6) + text_bytes(MRN_1)),
            ("empty MRN", u8(1) + text_bytes("")),
            ("MRN check digit", u8(1) + text_bytes("26KZMRN000000006J2")),
            ("empty GRN", u8(2) + text_bytes("")),
            ("usage without skip", u8(3) + text_bytes(GRN_1) + bytes(16)),
            ("exposure with a byte more", u8(4) + bytes(13)),
            ("no country", u8(5) + u16(0) + good[3:]),
            ("country UK", u8(5) + b"KU" + good[3:]),
            ("currency 0", good[:3] + u16(0) + good[5:]),
            ("currency 999", good[:3] + u16(999) + good[5:]),
            ("short", good[:-1]),
            ("long", good + b"\0"),
        ]
        for name, data in cases:
            with self.subTest(name), self.assertRaises(ValueError):
                kt.decode_query(data)


class AnswerDecodingTest(unittest.TestCase):
    """decode_answer takes what decode_transit_answer takes, and refuses what it refuses."""

    def assert_refused(self, parts: dict, cases):
        for name, part, replacement in cases:
            with self.subTest(name):
                self.assertEqual(answer_status(joined(parts, **{part: replacement})),
                                 "answer_invalid")

    def assert_every_cut_refused(self, data: bytes):
        for n in range(len(data)):
            self.assertEqual(answer_status(data[:n]), "answer_invalid", f"{n} bytes")
        self.assertEqual(answer_status(data + b"\0"), "answer_invalid")

    def test_reference_versions(self):
        version = (u32(1) + bytes(range(32)) + i32(20_520) + u64(T0) + u32(2)
                   + u32(2) + bytes(32) + i32(20_510) + u64(T0 + 1) + u32(0))
        answer = kt.decode_answer(u8(0) + u8(8) + u32(2) + version)
        self.assertEqual(answer.value[0], kt.ReferenceVersion(
            1, bytes(range(32)).hex(), datetime.date(2026, 3, 8), T0, 2))
        self.assertEqual(answer.value[1].superseded_by, 0)
        self.assert_every_cut_refused(u8(0) + u8(8) + u32(2) + version)
        for data in (u8(0) + u8(8) + u32(1) + u32(2) + bytes(32) + i32(0) + u64(0) + u32(0),
                     u8(0) + u8(8) + u32(1) + u32(1) + bytes(32) + i32(0) + u64(0) + u32(2),
                     u8(0) + u8(8) + u32(65)):
            with self.subTest(data=data.hex()):
                self.assertEqual(answer_status(data), "answer_invalid")

    def test_events(self):
        step = u64(7) + u64(T0) + u32(5) + b"\x06" + u64(30)[:4]
        answer = kt.decode_answer(u8(0) + u8(7) + u64(9) + u64(12) + u32(1) + step)
        self.assertEqual(answer.value, kt.Events(9, 12, (kt.JournaledStep(7, T0, step[20:]),)))
        self.assert_every_cut_refused(u8(0) + u8(7) + u64(9) + u64(12) + u32(1) + step)
        for data in (u8(0) + u8(7) + u64(9) + u64(12) + u32(1025),
                     u8(0) + u8(7) + u64(9) + u64(12) + u32(1) + u64(0) + step[8:]):
            with self.subTest(data=data.hex()):
                self.assertEqual(answer_status(data), "answer_invalid")

    def test_answers_without_a_value(self):
        for result, name in ((1, "not_found"), (2, "period_invalid")):
            for kind, kind_name in kt.QUERY_KINDS.items():
                with self.subTest(result=name, kind=kind_name):
                    answer = kt.decode_answer(u8(result) + u8(kind))
                    self.assertEqual(answer, kt.Answer(kind_name, name, None))
                    self.assertFalse(answer.ok)
        # A cover query the server would refuse: the refusal is a TransitResult.
        self.assertEqual(kt.decode_answer(u8(3) + u8(6) + u8(42)), kt.Answer("cover", "refused", 42))
        for data in (b"", u8(1), u8(4) + u8(1), u8(1) + u8(0), u8(1) + u8(9),
                     u8(1) + u8(1) + u8(0), u8(0) + u8(1), u8(3) + u8(1) + u8(42),
                     u8(3) + u8(6) + u8(0), u8(3) + u8(6) + u8(kt.TRANSIT_RESULT_MAX + 1),
                     u8(3) + u8(6)):
            with self.subTest(data=data.hex()):
                self.assertEqual(answer_status(data), "answer_invalid")

    def test_movement(self):
        parts = movement_parts()
        answer = kt.decode_answer(joined(parts))
        self.assertEqual(answer, kt.Answer("movement", "ok", MOVEMENT_1))
        self.assertTrue(answer.ok)
        self.assertTrue(MOVEMENT_1.paid(0) and not MOVEMENT_1.discharged(0))
        self.assert_every_cut_refused(joined(parts))
        entry = history_bytes(3, "KG", 11, T0 + 2)
        self.assert_refused(parts, [
            ("state 0", "state", u8(0)),
            ("state 10", "state", u8(10)),
            ("MRN check digit", "mrn", text_bytes("26KZMRN000000006J2")),
            ("MRN in lower case", "mrn", text_bytes(MRN_1.lower())),
            ("itinerary country UK", "itinerary",
             u8(1) + country_bytes("UK") + amount_bytes(1)),
            ("17 itinerary countries", "itinerary",
             u8(17) + (country_bytes("KZ") + amount_bytes(1)) * 17),
            ("65 goods items", "goods", u8(65) + (u32(0) + amount_bytes(1)) * 65),
            ("a duty in currency 999", "itinerary",
             u8(1) + country_bytes("KZ") + amount_bytes(1, 999)),
            ("a value without a currency", "goods", u8(1) + u32(0) + amount_bytes(1, 0)),
            ("10 references", "references",
             u8(10) + (text_bytes(GRN_1) + amount_bytes(1) + u8(1) + u8(255)) * 10),
            ("access_code_valid 2", "references",
             u8(1) + text_bytes(GRN_1) + amount_bytes(1) + u8(2) + u8(255)),
            ("GRN check digit", "references",
             u8(1) + text_bytes("26KZ0000000000016") + amount_bytes(1) + u8(1) + u8(255)),
            ("declared amounts 3", "amounts", u8(3) + u32(0)),
            ("computed without a reference version", "amounts", u8(2) + u32(0)),
            ("given with a reference version", "amounts", u8(0) + u32(4)),
            ("claim country 0x4b00", "claim", u16(0x4B00) + amount_bytes(0) + amount_bytes(0)),
            ("claimed without a currency", "claim",
             country_bytes("KZ") + amount_bytes(5, 0) + amount_bytes(0)),
            ("history event 0", "history", u8(1) + history_bytes(0, "KZ", 1, 1)),
            ("history event 11", "history", u8(1) + history_bytes(11, "KZ", 1, 1)),
            ("history country XA", "history", u8(1) + history_bytes(3, "XA", 1, 1)),
            ("33 history entries", "history", u8(33) + entry * 33),
        ])
        # What the C++ decoder takes too: empty references and countries, placeholders, the
        # limits themselves, any HS code, leg and mask.
        accepted = [
            ("empty MRN", "mrn", text_bytes("")),
            ("no itinerary", "itinerary", u8(0)),
            ("16 itinerary countries", "itinerary",
             u8(16) + (country_bytes("") + amount_bytes(0, 0)) * 16),
            ("64 goods items", "goods", u8(64) + (u32(2 ** 32 - 1) + amount_bytes(-1)) * 64),
            ("9 references, empty GRNs", "references",
             u8(9) + (text_bytes("") + amount_bytes(0, 0) + u8(0) + u8(7)) * 9),
            ("32 history entries", "history", u8(32) + entry * 32),
            ("no claim", "claim", u16(0) + amount_bytes(0, 0) + amount_bytes(0, 0)),
            ("masks all set", "counts", u8(255) + u16(0xFFFF) + u8(255)),
        ]
        for name, part, replacement in accepted:
            with self.subTest(name):
                self.assertEqual(answer_status(joined(parts, **{part: replacement})), "ok")

    def test_guarantee(self):
        parts = guarantee_parts()
        self.assertEqual(kt.decode_answer(joined(parts)),
                         kt.Answer("guarantee", "ok", GUARANTEE_1))
        self.assert_every_cut_refused(joined(parts))
        self.assert_refused(parts, [
            ("status 0", "status", u8(0)),
            ("status 5", "status", u8(5)),
            ("used 2", "used", u8(2)),
            ("valid_from before 0001-01-01", "validity", i32(kt.DATE_DAYS_MIN - 1) + i32(0)),
            ("valid_to after 9999-12-31", "validity", i32(0) + i32(kt.DATE_DAYS_MAX + 1)),
            ("liability liberation day 2^31", "liberation", u32(2 ** 31)),
            ("17 countries", "countries", u8(17) + country_bytes("KZ") * 17),
            ("country ZZ", "countries", u8(1) + country_bytes("ZZ")),
            ("9 sensitive headings", "sensitive", u8(9) + u32(1) * 9),
            ("5 access-code hashes", "hashes", u8(5) + bytes(128 * 5)),
            ("a hash short", "hashes", u8(1) + bytes(127)),
            ("reference amount in currency 1", "reference_amount", amount_bytes(1, 1)),
            ("GRN of an MRN", "grn", text_bytes(MRN_1)),
        ])
        cases = [
            ("type 99 (not checked by the C++ decoder either)", "type", u8(99),
             {"type": "unknown_99"}),
            ("type 11", "type", u8(11), {"type": "tir_chain"}),
            ("dates at the limits", "validity", i32(kt.DATE_DAYS_MIN) + i32(kt.DATE_DAYS_MAX),
             {"valid_from": datetime.date(1, 1, 1), "valid_to": datetime.date(9999, 12, 31)}),
            ("1969-12-31", "liberation", i32(-1),
             {"liability_liberation": datetime.date(1969, 12, 31)}),
            ("4 hashes", "hashes", u8(4) + b"h" * 128 * 4,
             {"access_code_hashes": (b"h" * 128,) * 4}),
            ("16 countries, one empty", "countries",
             u8(16) + country_bytes("") + country_bytes("XK") * 15,
             {"countries": ("",) + ("XK",) * 15}),
        ]
        for name, part, replacement, fields in cases:
            with self.subTest(name):
                answer = kt.decode_answer(joined(parts, **{part: replacement}))
                self.assertEqual(answer.value, dataclasses.replace(GUARANTEE_1, **fields))

    def test_usage_pages(self):
        head = u8(0) + u8(3)
        answer = kt.decode_answer(head + u32(5) + u32(1) + usage_entry_bytes())
        self.assertEqual(answer.value, kt.Usage(5, (kt.UsageEntry(
            MRN_1, kt.Amount(1_835_000, "EUR"), T0 + 1, 0, "released"),)))
        full = head + u32(2000) + u32(1024) + usage_entry_bytes("", 9) * 1024
        self.assertEqual(len(kt.decode_answer(full).value.entries), 1024)
        self.assert_every_cut_refused(head + u32(2) + u32(2) + usage_entry_bytes() * 2)
        for name, data in [
                ("n past total", head + u32(1) + u32(2) + usage_entry_bytes() * 2),
                ("1025 entries", head + u32(2000) + u32(1025) + usage_entry_bytes() * 1025),
                ("state 0", head + u32(1) + u32(1) + usage_entry_bytes(state=0)),
                ("state 10", head + u32(1) + u32(1) + usage_entry_bytes(state=10)),
                ("MRN check digit",
                 head + u32(1) + u32(1) + usage_entry_bytes("26KZMRN000000006J2"))]:
            with self.subTest(name):
                self.assertEqual(answer_status(data), "answer_invalid")

    def test_exposure_pages(self):
        head = u8(0) + u8(4) + u64(20)
        data = head + u32(3) + u32(2) + exposure_row_bytes(30, USD) + exposure_row_bytes(31)
        self.assertEqual(kt.decode_answer(data).value, kt.Exposure(20, 3, (
            kt.ExposureRow(30, "USD", kt.Amount(1_835_000, "USD"), kt.Amount(0, "USD"), 1, 2),
            kt.ExposureRow(31, "EUR", kt.Amount(1_835_000, "EUR"), kt.Amount(0, "EUR"), 1, 2))))
        self.assertEqual(kt.decode_answer(head + u32(0) + u32(0)).value, kt.Exposure(20, 0, ()))
        self.assert_every_cut_refused(data)
        for name, data in [
                ("n past total", head + u32(0) + u32(1) + exposure_row_bytes()),
                ("1025 rows", head + u32(2000) + u32(1025) + exposure_row_bytes() * 1025),
                ("currency 999", head + u32(1) + u32(1) + exposure_row_bytes(30, 999))]:
            with self.subTest(name):
                self.assertEqual(answer_status(data), "answer_invalid")

    def test_duty_statement(self):
        parts = duty_parts()
        amounts = [kt.Amount(m, "EUR") for m in (1, 2, 3, 4, 5)]
        self.assertEqual(kt.decode_answer(joined(parts)).value,
                         kt.DutyStatement("KZ", "EUR", T0, T0 + 100, *amounts, claims=6))
        self.assert_every_cut_refused(joined(parts))
        self.assert_refused(parts, [
            ("currency 0", "currency", u16(0)),
            ("currency 999", "currency", u16(999)),
            ("country UK", "country", country_bytes("UK")),
            ("an amount in currency 2", "amounts", amount_bytes(1, 2) * 5),
        ])

    def test_amount_text(self):
        cases = [((125_000, "EUR"), "1250.00 EUR"), ((5, "EUR"), "0.05 EUR"),
                 ((-5, "EUR"), "-0.05 EUR"), ((-100, "EUR"), "-1.00 EUR"),
                 ((7, "JPY"), "7 JPY"), ((1, "KWD"), "0.001 KWD"), ((0, "EUR"), "0.00 EUR"),
                 ((-(2 ** 127), "EUR"), "-1701411834604692317316873037158841057.28 EUR"),
                 ((0, ""), "0")]
        for (minor, currency), expected in cases:
            with self.subTest(expected):
                self.assertEqual(str(kt.Amount(minor, currency)), expected)

    def test_time(self):
        self.assertEqual(kt.format_time_ns(T0 + 1), "2026-11-18T11:06:40.000000001Z")
        self.assertEqual(kt.format_time_ns(0), "1970-01-01T00:00:00.000000000Z")
        self.assertEqual(kt.format_time_ns(2 ** 64 - 1), "2554-07-21T23:34:33.709551615Z")
        self.assertEqual(kt.day_period_ns(datetime.date(2026, 1, 1), datetime.date(2026, 1, 1)),
                         (1_767_225_600 * 10**9, 1_767_312_000 * 10**9 - 1))
        with self.assertRaises(ValueError):
            kt.day_period_ns(datetime.date(1969, 12, 31), datetime.date(2026, 1, 1))

class KeyFileTest(unittest.TestCase):
    def test_load_keypair_and_public_key(self):
        public = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"
        secret = "JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6"
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "k.key")
            with open(path, "w") as f:
                f.write(f"public {public}\nsecret {secret}\n")
            self.assertEqual(kc.load_keypair(path), kc.KeyPair(public, secret))
            self.assertEqual(kc.load_public_key(path), public)
            bare = os.path.join(tmp, "server.pub")
            with open(bare, "w") as f:
                f.write(public + "\n")
            self.assertEqual(kc.load_public_key(bare), public)
            with self.assertRaises(ValueError):
                kc.load_keypair(bare)
            with open(path, "w") as f:
                f.write(f"public {public[:-1]}\nsecret {secret}\n")
            with self.assertRaises(ValueError):
                kc.load_keypair(path)


# ---------------------------------------------------------------------------------------------
# The client against a fake server (a ROUTER in a thread): busy, damage, order, timeouts.

class FakeServer:
    """Answers each request by `respond(header, body) -> list of reply frames` (maybe none)."""

    def __init__(self, endpoint: str, respond):
        self.context = zmq.Context()
        self.router = self.context.socket(zmq.ROUTER)
        self.router.linger = 0
        self.router.bind(endpoint)
        self.respond = respond
        self.requests = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def _loop(self):
        poller = zmq.Poller()
        poller.register(self.router, zmq.POLLIN)
        while not self.stopping.is_set():
            if not poller.poll(20):
                continue
            routing, frame = self.router.recv_multipart()
            header, body = kc.decode_request(frame)
            self.requests.append(header)
            for reply in self.respond(header, body):
                self.router.send_multipart([routing, reply])

    def close(self):
        self.stopping.set()
        self.thread.join(5)
        self.router.close(0)
        self.context.term()


class FakeServerTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.endpoint = f"ipc://{self.tmp.name}/fake.sock"
        self.server = None

    def tearDown(self):
        if self.server is not None:
            self.server.close()
        self.tmp.cleanup()

    def serve(self, respond):
        self.server = FakeServer(self.endpoint, respond)

    def test_busy_then_retry_with_the_same_request_id(self):
        answers = iter(["busy", "ok"])

        def respond(header, body):
            if next(answers) == "busy":
                return [reply_frame(header.operation, header.request_id, 0, b"",
                                    kc.STATUS_NUMBERS["busy"])]
            return [reply_frame(header.operation, header.request_id, header.count,
                                bytes([0] * header.count) + bytes(-header.count % 8))]

        self.serve(respond)
        with kc.Client(self.endpoint, timeout_ms=5000) as client:
            transfers = [Transfer(id=i, debit_account_id=1, credit_account_id=2, amount=1,
                                  ledger=978, code=1) for i in (1, 2, 3)]
            with self.assertRaises(kc.Busy) as caught:
                client.create_transfers(transfers)
            request = caught.exception.request
            self.assertEqual(caught.exception.status, "busy")
            self.assertEqual(request.count, 3)
            self.assertEqual(client.in_flight, 1)  # Kept for the retry.
            self.assertEqual(client.retry(request), ["ok", "ok", "ok"])
            self.assertEqual(client.in_flight, 0)
        ids = [h.request_id for h in self.server.requests]
        self.assertEqual(ids, [request.request_id] * 2)

    def test_forbidden_is_a_server_error(self):
        self.serve(lambda h, b: [reply_frame(h.operation, h.request_id, 0, b"",
                                             kc.STATUS_NUMBERS["forbidden"])])
        with kc.Client(self.endpoint) as client:
            with self.assertRaises(kc.ServerError) as caught:
                client.create_accounts([Account(id=1, ledger=978, code=1)])
            self.assertNotIsInstance(caught.exception, kc.Busy)
            self.assertEqual(caught.exception.status, "forbidden")
            self.assertEqual(client.in_flight, 0)

    def test_damaged_reply_raises_and_keeps_the_request(self):
        def respond(header, body):
            frame = bytearray(reply_frame(header.operation, header.request_id, 0, b""))
            frame += b"x"  # The header still checks; the length does not.
            return [bytes(frame)]

        self.serve(respond)
        with kc.Client(self.endpoint) as client:
            with self.assertRaises(kc.ProtocolError) as caught:
                client.ping()
            self.assertEqual(caught.exception.status, "body_length_mismatch")
            self.assertEqual(client.in_flight, 1)

    def test_replies_out_of_order_are_matched_by_id(self):
        held = []

        def respond(header, body):
            held.append(header)
            if len(held) < 3:
                return []
            return [reply_frame("ping", h.request_id) for h in reversed(held)]

        self.serve(respond)
        with kc.Client(self.endpoint) as client:
            ids = [client.send("ping", 0) for _ in range(3)]
            self.assertEqual(client.in_flight, 3)
            self.assertEqual(client.wait(ids[0]).request_id, ids[0])
            # The other two arrived first and were kept for receive().
            self.assertEqual(sorted(client.receive().request_id for _ in range(2)),
                             sorted(ids[1:]))
            self.assertEqual(client.in_flight, 0)
            with self.assertRaises(TimeoutError):
                client.receive(timeout_ms=50)

    def test_reply_that_does_not_fit_its_request(self):
        self.serve(lambda h, b: [reply_frame(h.operation, h.request_id, 1, bytes(8))])
        with kc.Client(self.endpoint) as client:
            with self.assertRaises(kc.ProtocolError) as caught:
                client.create_accounts([Account(1, 978, 1), Account(2, 978, 1)])
            self.assertEqual(caught.exception.status, "reply_mismatch")

    def test_no_answer_times_out(self):
        self.serve(lambda h, b: [])
        with kc.Client(self.endpoint, timeout_ms=100) as client:
            start = time.monotonic()
            with self.assertRaises(TimeoutError):
                client.ping()
            self.assertLess(time.monotonic() - start, 5)
            self.assertEqual(client.in_flight, 1)  # May be resent: client.resend_all().

    def answer_with(self, answer: bytes, status: int = 0):
        """Serves `answer` (framed) to every request, keeping the request bodies."""
        def respond(header, body):
            self.bodies.append(body)
            if status != 0:
                return [reply_frame(header.operation, header.request_id, 0, b"", status)]
            return [reply_frame(header.operation, header.request_id, 1,
                                kc.encode_transit_body(answer, 0, b"",
                                                       kc.TRANSIT_ANSWER_BODY_BYTES_MAX))]
        self.bodies = []
        self.serve(respond)

    def queries_sent(self):
        """The queries of the bodies received, each without access codes and as_of_ns."""
        parts = [kc.transit_body_parts(body) for body in self.bodies]
        self.assertEqual([(codes, as_of_ns) for _, codes, as_of_ns in parts],
                         [(b"", 0)] * len(parts))
        return [kt.decode_query(payload) for payload, _, _ in parts]

    def test_transit_queries_sent_and_answered(self):
        self.answer_with(joined(movement_parts()))
        with kc.Client(self.endpoint) as client:
            self.assertEqual(kt.query_movement(client, MRN_1).value, MOVEMENT_1)
            self.assertEqual(client.in_flight, 0)
            with self.assertRaises(ValueError):  # Never sent: the server would refuse it.
                kt.query_movement(client, "26KZMRN000000006J2")
        self.assertEqual(self.queries_sent(), [kt.MovementQuery(MRN_1)])
        self.assertEqual(len(self.server.requests), 1)

    def test_each_call_sends_its_query(self):
        self.answer_with(u8(1) + u8(3))  # Answers every query as usage not_found.
        with kc.Client(self.endpoint) as client:
            self.assertEqual(kt.query_usage(client, GRN_1, 1, 2, 3).result, "not_found")
            for call in (lambda: kt.query_guarantee(client, GRN_1),
                         lambda: kt.query_exposure(client, 20, skip=5),
                         lambda: kt.query_duties(client, "KZ", "EUR", 8, 9)):
                with self.assertRaises(kc.ProtocolError) as caught:
                    call()
                self.assertEqual(caught.exception.status, "reply_mismatch")
        self.assertEqual(self.queries_sent(),
                         [kt.UsageQuery(GRN_1, 1, 2, 3), kt.GuaranteeQuery(GRN_1),
                          kt.ExposureQuery(20, 5), kt.DutyQuery("KZ", "EUR", 8, 9)])

    def test_transit_query_forbidden_is_a_server_error(self):
        self.answer_with(b"", kc.STATUS_NUMBERS["forbidden"])
        with kc.Client(self.endpoint) as client:
            with self.assertRaises(kc.ServerError) as caught:
                kt.query_duties(client, "KZ", "EUR")
            self.assertNotIsInstance(caught.exception, kc.Busy)
            self.assertEqual(caught.exception.status, "forbidden")
            self.assertIn("transit_query", str(caught.exception))
            self.assertEqual(client.in_flight, 0)

    def test_transit_answer_that_does_not_decode(self):
        self.answer_with(joined(movement_parts(), state=u8(10)))
        with kc.Client(self.endpoint) as client:
            with self.assertRaises(kc.ProtocolError) as caught:
                kt.query_movement(client, MRN_1)
            self.assertEqual(caught.exception.status, "answer_invalid")
            self.assertIn("movement state 10", str(caught.exception))

# ---------------------------------------------------------------------------------------------
# End to end: a real `kervan serve`.

@unittest.skipUnless(KERVAN_BINARY, "KERVAN_BINARY is not set: the end-to-end tests need the "
                                    "kervan binary (ctest sets it; or run with "
                                    "KERVAN_BINARY=build/api/kervan)")
class EndToEndBase(unittest.TestCase):
    def setUp(self):
        self.assertTrue(os.access(KERVAN_BINARY, os.X_OK), f"{KERVAN_BINARY} is not executable")
        self.tmp = tempfile.TemporaryDirectory(prefix="kervan-py-")
        self.data = os.path.join(self.tmp.name, "data")
        self.socket_path = os.path.join(self.tmp.name, "k.sock")
        self.endpoint = "ipc://" + self.socket_path
        self.process = None
        self.log_path = os.path.join(self.tmp.name, "serve.log")

    def tearDown(self):
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        self.tmp.cleanup()

    def kervan(self, *args) -> str:
        result = subprocess.run([KERVAN_BINARY, *args], capture_output=True, text=True,
                                timeout=60)
        self.assertEqual(result.returncode, 0, f"kervan {' '.join(args)}: {result.stderr}")
        return result.stdout

    def keygen(self, path: str) -> str:
        """`kervan keygen path`; returns the public key. A key with '#' is made again: '#' is a
        Z85 character, but load_clients (api/keys.cc) cuts a clients line at '#' as a comment,
        so a registered key holding one (about 37% of keys) stops `serve` from starting."""
        for _ in range(50):
            if os.path.exists(path):
                os.unlink(path)
            public = self.kervan("keygen", path).strip()
            if "#" not in public:
                return public
        self.fail("50 key pairs in a row held '#'")

    def start_server(self, *extra):
        self.log = open(self.log_path, "w")
        self.addCleanup(self.log.close)
        self.process = subprocess.Popen(
            [KERVAN_BINARY, "serve", "--endpoint", self.endpoint, "--data", self.data,
             "--accounts-max", "64", "--transfers-max", "10000", *extra],
            stdout=self.log, stderr=subprocess.STDOUT)
        # A bounded wait on a condition: the server logs event=listening once bound (after its
        # key and mode lines), and the socket file exists; the tests' pings then bound the rest.
        wait_for(lambda: self.process.poll() is not None or (
                     "event=listening" in self.server_log() and os.path.exists(self.socket_path)),
                 30, "the server to listen")
        self.assertIsNone(self.process.poll(), f"kervan serve exited: {self.server_log()}")

    def server_log(self) -> str:
        with open(self.log_path) as f:
            return f.read()

    def stop_server(self):
        self.process.send_signal(signal.SIGTERM)
        self.assertEqual(self.process.wait(30), 0, self.server_log())
        self.assertIn("event=stopped", self.server_log())

    def run_example(self, *args):
        return subprocess.run(["/usr/bin/python3", EXAMPLE, "--endpoint", self.endpoint, *args],
                              capture_output=True, text=True, timeout=60,
                              env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})


ACCOUNTS = [Account(id=i, ledger=978, code=10 + i, user_data_64=i * 100) for i in (1, 2, 3, 4)]
# (id, debit, credit, amount): 10 transfers among the four accounts.
MOVES = [(101, 1, 2, 500), (102, 1, 3, 250), (103, 2, 3, 125), (104, 3, 4, 75),
         (105, 4, 1, 40), (106, 2, 1, 60), (107, 1, 4, 1000), (108, 3, 1, 5),
         (109, 4, 2, 333), (110, 2, 4, 7)]
TRANSFERS = [Transfer(id=i, debit_account_id=d, credit_account_id=c, amount=a, ledger=978,
                      code=1, user_data_32=i) for i, d, c, a in MOVES]


class EndToEndInsecureTest(EndToEndBase):
    def test_ledger_over_a_real_server(self):
        self.start_server("--insecure", "yes")
        self.assertIn("INSECURE MODE", self.server_log())
        with kc.Client(self.endpoint, timeout_ms=10_000) as client:
            self.assertLess(client.ping(), 10)
            before = client.stats()
            self.assertEqual(tuple(before), kc.STATS_COUNTER_NAMES)

            self.assertEqual(client.create_accounts(ACCOUNTS), ["ok"] * 4)
            self.assertEqual(client.create_transfers(TRANSFERS[:6]), ["ok"] * 6)
            # Pipelined: two requests in flight, replies matched by id.
            first = client.send("create_transfers", 2,
                                b"".join(t.encode() for t in TRANSFERS[6:8]))
            second = client.send("create_transfers", 2,
                                 b"".join(t.encode() for t in TRANSFERS[8:10]))
            replies = {r.request_id: r for r in (client.receive(), client.receive())}
            self.assertEqual(set(replies), {first, second})
            for reply in replies.values():
                self.assertEqual(reply.status, "ok")
                self.assertEqual(reply.body, bytes(8))  # Two ok results, padded.

            # Balances, exactly.
            expected = {i: [0, 0] for i in (1, 2, 3, 4)}  # [debits_posted, credits_posted]
            for _, debit, credit, amount in MOVES:
                expected[debit][0] += amount
                expected[credit][1] += amount
            accounts = client.lookup_accounts([4, 999, 1, 2, 3])
            self.assertEqual([a.id for a in accounts], [4, 1, 2, 3])  # Order asked, 999 absent.
            for account in accounts:
                self.assertEqual([account.debits_posted, account.credits_posted],
                                 expected[account.id], f"account {account.id}")
                self.assertEqual((account.debits_pending, account.credits_pending), (0, 0))
                self.assertEqual((account.ledger, account.code, account.user_data_64),
                                 (978, 10 + account.id, account.id * 100))
                self.assertGreater(account.timestamp, 0)
            self.assertEqual(sum(a.balance for a in accounts), 0)
            self.assertEqual(expected[1], [500 + 250 + 1000, 40 + 60 + 5])

            # The same events again: nothing applies twice.
            self.assertEqual(client.create_transfers(TRANSFERS), ["exists"] * 10)
            self.assertEqual(client.create_accounts(ACCOUNTS), ["exists"] * 4)
            self.assertEqual(
                client.create_transfers([
                    Transfer(id=200, debit_account_id=1, credit_account_id=1, amount=1,
                             ledger=978, code=1),
                    Transfer(id=201, debit_account_id=1, credit_account_id=77, amount=1,
                             ledger=978, code=1),
                    Transfer(id=101, debit_account_id=1, credit_account_id=2, amount=501,
                             ledger=978, code=1, user_data_32=101)]),
                ["accounts_must_be_different", "credit_account_not_found",
                 "exists_with_different_amount"])
            self.assertEqual([a.debits_posted for a in client.lookup_accounts([1])],
                             [expected[1][0]])

            # Lookups of transfers: as sent, with increasing timestamps.
            found = client.lookup_transfers([110, 555] + [t.id for t in TRANSFERS[:9]])
            self.assertEqual([t.id for t in found], [110] + [t.id for t in TRANSFERS[:9]])
            by_id = {t.id: t for t in found}
            for sent in TRANSFERS:
                got = by_id[sent.id]
                self.assertGreater(got.timestamp, 0)
                self.assertEqual(got, Transfer(**{**sent.__dict__, "timestamp": got.timestamp}))
            stamps = [by_id[t.id].timestamp for t in TRANSFERS]
            self.assertEqual(stamps, sorted(stamps))
            self.assertEqual(len(set(stamps)), 10)

            # get_account_transfers: order, limit, sides, bounds.
            of_1 = [t.id for t in TRANSFERS if 1 in (t.debit_account_id, t.credit_account_id)]
            self.assertEqual(of_1, [101, 102, 105, 106, 107, 108])
            got = client.get_account_transfers(1, limit=100)
            self.assertEqual([t.id for t in got], of_1)
            self.assertEqual([t.id for t in client.get_account_transfers(1, 100, reversed=True)],
                             of_1[::-1])
            self.assertEqual([t.id for t in client.get_account_transfers(1, 2)], of_1[:2])
            self.assertEqual([t.id for t in client.get_account_transfers(1, 2, reversed=True)],
                             [108, 107])
            self.assertEqual([t.id for t in client.get_account_transfers(1, 100, credits=False)],
                             [101, 102, 107])
            self.assertEqual([t.id for t in client.get_account_transfers(1, 100, debits=False)],
                             [105, 106, 108])
            self.assertEqual(client.get_account_transfers(1, 100, debits=False, credits=False),
                             [])
            self.assertEqual([t.id for t in client.get_account_transfers(
                1, 100, timestamp_min=by_id[105].timestamp,
                timestamp_max=by_id[107].timestamp)], [105, 106, 107])
            self.assertEqual(client.get_account_transfers(999, 10), [])

            after = client.stats()
            self.assertEqual(tuple(after), kc.STATS_COUNTER_NAMES)
            # Since the first stats request (counted in its own snapshot, its reply not yet):
            # 2 creates, 2 pipelined, 1 lookup, 3 creates, 2 lookups, 9 queries, this stats.
            self.assertEqual(after["requests"] - before["requests"], 19 + 1)
            self.assertEqual(after["replies"] - before["replies"], 1 + 19)
            self.assertEqual(after["events"] - before["events"], 4 + 10 + 10 + 4 + 3)
            self.assertGreater(after["batches_durable"], before["batches_durable"])
            self.assertEqual(after["rejected_malformed"], 0)

            # A malformed request (sent raw) gets its status from the server's decoder.
            bad = bytearray(kc.encode_message(OP["lookup_accounts"], 4242, 1, bytes(16)))
            bad[70] ^= 1  # Body damaged: the body checksum fails.
            context = zmq.Context()
            raw = context.socket(zmq.DEALER)
            try:
                raw.linger = 0
                raw.connect(self.endpoint)
                raw.send(bytes(bad))
                self.assertTrue(raw.poll(10_000), "no reply to a malformed request")
                header, body = kc.decode_reply(raw.recv())
            finally:
                raw.close(0)
                context.term()
            self.assertEqual((kc.PROTOCOL_STATUSES[header.status], header.request_id, body),
                             ("body_checksum_mismatch", 4242, b""))
            self.assertEqual(client.stats()["rejected_malformed"], 1)

        # The analyst's example, against the same server.
        result = self.run_example("--accounts", "1,2,3,4,999", "--account", "1", "--limit", "3")
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = result.stdout.splitlines()
        self.assertTrue(lines[0].startswith(f"server {self.endpoint}: ping "), lines[0])
        row_1 = next(line.split() for line in lines if line.split()[:3] == ["1", "978", "11"])
        self.assertEqual(row_1[3:], ["0", "1750", "0", "105", "-1645"])
        self.assertIn("  not found: 999", lines)
        transfer_rows = [line.split() for line in lines
                         if len(line.split()) == 9 and line.split()[1] in ("108", "107", "106")]
        self.assertEqual([row[1] for row in transfer_rows], ["108", "107", "106"])
        self.assertEqual(transfer_rows[0][2], "credit")
        self.assertTrue(any(line.split()[:1] == ["requests"] for line in lines))

        self.stop_server()


class EndToEndCurveTest(EndToEndBase):
    def test_registered_keys_only(self):
        operator_key = os.path.join(self.tmp.name, "operator.key")
        analyst_key = os.path.join(self.tmp.name, "analyst.key")
        stranger_key = os.path.join(self.tmp.name, "stranger.key")
        operator_public = self.keygen(operator_key)
        analyst_public = self.keygen(analyst_key)
        self.kervan("keygen", stranger_key)
        self.assertEqual(kc.load_keypair(operator_key).public, operator_public)
        self.assertEqual(os.stat(operator_key).st_mode & 0o777, 0o600)
        # Clients are read at start: register before serving.
        self.kervan("register-client", "--data", self.data, "--public-key", operator_public,
                    "--party", "7", "--role", "operator")
        self.kervan("register-client", "--data", self.data, "--public-key", analyst_public,
                    "--party", "8", "--role", "analyst")
        self.start_server()
        server_key_path = os.path.join(self.data, "server.key")
        server_public = kc.load_public_key(server_key_path)  # Made by serve on first start.
        self.assertIn(f"server_public_key={server_public}", self.server_log())
        self.assertNotIn("INSECURE", self.server_log())

        def client(key_path, timeout_ms=10_000):
            keys = kc.load_keypair(key_path)
            return kc.Client(self.endpoint, server_public_key=server_public,
                             public_key=keys.public, secret_key=keys.secret,
                             timeout_ms=timeout_ms)

        with client(operator_key) as operator:
            operator.ping()
            self.assertEqual(operator.create_accounts(ACCOUNTS), ["ok"] * 4)
            self.assertEqual(operator.create_transfers(TRANSFERS[:2]), ["ok", "ok"])
            self.assertEqual([a.debits_posted for a in operator.lookup_accounts([1])], [750])

            with client(analyst_key) as analyst:
                self.assertEqual([a.id for a in analyst.lookup_accounts([1, 2])], [1, 2])
                with self.assertRaises(kc.ServerError) as caught:
                    analyst.create_accounts([Account(id=9, ledger=978, code=1)])
                self.assertEqual(caught.exception.status, "forbidden")

            with client(stranger_key, timeout_ms=1000) as stranger:
                with self.assertRaises(TimeoutError):
                    stranger.ping()

            # The refusal is counted by the server's ZAP handler as the handshake fails.
            counters = wait_for(
                lambda: (lambda c: c if c["rejected_unauthenticated"] >= 1 else None)(
                    operator.stats()), 10, "rejected_unauthenticated to count the stranger")
            self.assertEqual(counters["rejected_forbidden"], 1)
            self.assertEqual([a.id for a in operator.lookup_accounts([9])], [])

        # The example over CURVE with the analyst's key (read-only suffices).
        result = self.run_example("--server-key", server_key_path, "--client-key", analyst_key,
                                  "--accounts", "1,2", "--limit", "5")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("latest transfers of account 1", result.stdout)
        # And with an unregistered key it says so and fails, within its timeout.
        result = self.run_example("--server-key", server_key_path, "--client-key", stranger_key,
                                  "--timeout-ms", "500")
        self.assertEqual(result.returncode, 1)
        self.assertIn("registered", result.stderr)

        self.stop_server()


TRANSIT_FLAGS = ("--transit", "yes", "--parties-max", "64", "--guarantees-max", "64",
                 "--movements-max", "64")
VALIDITY = ("2000-01-01", "2999-12-31")  # Guarantees valid whenever the test runs.
G1, G2, G3 = (kt.make_grn(26, "KZ", f"PYT00000000{i}") for i in (1, 2, 3))
M1, M2, M3, M4 = (kt.make_mrn(26, "KZ", f"PYT00000000{i}") for i in (1, 2, 3, 4))
G_UNKNOWN = kt.make_grn(26, "KZ", "PYT000000009")
M_UNKNOWN = kt.make_mrn(26, "KZ", "PYT000000009")


def cli_view(answer: "kt.Answer") -> dict:
    """What `kervan client --json query ...` prints for an answer (api/cli_transit.cc), built
    from the Python answer: equal to the CLI's JSON when both read the same object."""
    view = {"query": answer.kind, "result": answer.result}
    v = answer.value
    if answer.kind == "movement" and answer.ok:
        view.update(mrn=v.mrn, state=v.state, principal=v.principal,
                    itinerary=",".join(v.itinerary), crossings=v.crossings)
        for name, at_ns in (("released", v.released_ns), ("arrived", v.arrived_ns)):
            if at_ns:
                view[name] = kt.format_time_ns(at_ns)
        view["time_limit"] = kt.format_time_ns(v.time_limit_ns)
        view["reference_version"] = v.reference_version
        if v.claimed_ns:
            view.update(claim_country=v.claim_country, claimed=str(v.claimed),
                        drawn=str(v.drawn))
        view["references"] = [
            {"grn": r.grn, "amount": r.amount_concerned.text,
             "currency": r.amount_concerned.currency,
             "leg": "all" if r.leg == kt.WHOLE_MOVEMENT else str(r.leg),
             "discharged": v.discharged(i)} for i, r in enumerate(v.references)]
        view["history"] = [{"event": e.event, "country": e.country, "party": e.party,
                            "at": kt.format_time_ns(e.at_ns)} for e in v.history]
    elif answer.kind == "guarantee" and answer.ok:
        b = v.balance
        view.update(grn=v.grn, type=v.type, status=v.status, provider=v.provider,
                    principal=v.principal, valid_from=v.valid_from.isoformat(),
                    valid_to=v.valid_to.isoformat(), reference_amount=str(v.reference_amount),
                    reduction_percent=v.reduction_percent, amount=str(b.amount),
                    reserved=str(b.reserved), drawn=str(b.drawn), available=str(b.available),
                    open_movements=b.open_movements)
    elif answer.kind == "guarantee_usage" and answer.ok:
        view["total"] = v.total
        view["usage"] = [{"mrn": u.mrn, "covered": str(u.covered), "state": u.state,
                          "locked": kt.format_time_ns(u.lock_ns),
                          "released": kt.format_time_ns(u.release_ns) if u.release_ns else ""}
                         for u in v.entries]
    elif answer.kind == "exposure" and answer.ok:
        view.update(provider=v.provider, total=v.total)
        view["principals"] = [{"principal": r.principal, "reserved": str(r.reserved),
                               "drawn": str(r.drawn), "open_movements": r.open_movements,
                               "guarantees": r.guarantees} for r in v.rows]
    elif answer.kind == "duty_statement" and answer.ok:
        view.update(country=v.country, suspended_now=str(v.suspended_now), claims=v.claims,
                    claimed=str(v.claimed), drawn=str(v.drawn), uncovered=str(v.uncovered),
                    collected=str(v.collected))
    return view


def python_query(client, args):
    """The Python call for the CLI's `query` arguments (FROM TO as the CLI reads them)."""
    kind, rest = args[0], args[1:]

    def period(dates):
        if not dates:
            return 0, 0
        return kt.day_period_ns(*(datetime.date.fromisoformat(d) for d in dates))

    if kind == "movement":
        return kt.query_movement(client, rest[0])
    if kind == "guarantee":
        return kt.query_guarantee(client, rest[0])
    if kind == "usage":
        return kt.query_usage(client, rest[0], *period(rest[1:]))
    if kind == "exposure":
        return kt.query_exposure(client, int(rest[0]), *map(int, rest[1:]))
    return kt.query_duties(client, rest[0], rest[1], *period(rest[2:]))


class EndToEndTransitTest(EndToEndBase):
    """Transit queries from Python against a real `kervan serve --transit yes` (insecure: every
    request acts as an operator), the state made with the command-line client, each answer
    compared with what the CLI prints for the same query."""

    def cli(self, *args, exits=(0,)) -> dict:
        result = subprocess.run([KERVAN_BINARY, "client", "--endpoint", self.endpoint, "--json",
                                 *args], capture_output=True, text=True, timeout=60)
        self.assertIn(result.returncode, exits,
                      f"kervan client {' '.join(args)}: {result.stdout} {result.stderr}")
        return json.loads(result.stdout)

    def step(self, *args, result: str = "ok") -> dict:
        out = self.cli("transit", *args, exits=(0, 1))
        self.assertEqual(out.get("result"), result, f"transit {' '.join(args)}: {out}")
        return out

    def make_state(self) -> dict:
        """Parties, three guarantees and four movements; returns the declarations' replies."""
        # Insecure: the registry's first party is an operator registering itself (the
        # bootstrap); it registers the others.
        for party in (("1", "operator"), ("10", "customs", "KZ"), ("11", "customs", "KG"),
                      ("20", "provider", "KZ"), ("30", "principal", "CN"),
                      ("31", "principal", "KZ")):
            self.step("register-party", "1", *party)
        self.step("register-guarantee", "20", G1, "30", "100000.00", "EUR", "50", *VALIDITY,
                  "ab12")
        self.step("register-guarantee", "20", G2, "31", "200000.00", "EUR", "100", *VALIDITY,
                  "c0de")
        self.step("register-guarantee", "20", G3, "30", "5000.00", "USD", "100", *VALIDITY, "x1")
        declared = {}

        def declare(principal, mrn, goods, reference):
            declared[mrn] = self.step("declare", principal, mrn, "KZ,KG", goods, reference)

        # The server computes every amount to be covered, from the reference data it is given.
        self.step("load-reference", "1", os.path.join(ROOT, "ledger", "transit", "data",
                                                       "carec.toml"))

        declare("30", M1, "870323:25000.00:EUR,0:900.00:USD", G1 + ":ab12")
        for step in (("release", "10", M1), ("cross", "11", M1, "KG"), ("incident", "11", M1),
                     ("claim", "10", M1, "1250.00", "EUR"), ("claim-paid", "20", M1)):
            self.step(*step)
        declare("31", M2, "870323:5000.00:EUR", G2 + ":c0de")
        self.step("release", "10", M2)
        self.step("arrive", "11", M2)
        declare("31", M3, "870323:2000.00:EUR", G2 + ":wrong")
        self.step("release", "10", M3, result="access_code_not_valid")
        declare("30", M4, "870323:25000.00:EUR", G1 + ":AB12")  # Codes ignore case.
        self.step("release", "10", M4)
        self.step("guarantee-status", "20", G3, "cancelled", "2026-12-31")
        return declared

    def test_queries_agree_with_the_command_line_client(self):
        self.start_server("--insecure", "yes", *TRANSIT_FLAGS)
        declared = self.make_state()
        queries = [
            ("movement", M1), ("movement", M2), ("movement", M3), ("movement", M4),
            ("movement", M_UNKNOWN),
            ("guarantee", G1), ("guarantee", G2), ("guarantee", G3), ("guarantee", G_UNKNOWN),
            ("usage", G1), ("usage", G2), ("usage", G3), ("usage", G_UNKNOWN),
            ("usage", G1, "2020-01-01", "2500-12-31"), ("usage", G1, "2026-12-01", "2026-01-01"),
            ("exposure", "20"), ("exposure", "20", "1"), ("exposure", "20", "3"),
            ("exposure", "99"),
            ("duties", "KZ", "EUR"), ("duties", "KG", "EUR"), ("duties", "KZ", "USD"),
            ("duties", "KZ", "EUR", "2020-01-01", "2500-12-31"),
            ("duties", "KZ", "EUR", "1970-01-01", "1970-01-01"),
            ("duties", "KZ", "EUR", "2026-12-01", "2026-01-01"),
        ]
        answers = {}
        with kc.Client(self.endpoint, timeout_ms=10_000) as client:
            for args in queries:
                with self.subTest(query=" ".join(args)):
                    answer = python_query(client, args)
                    answers[args] = answer
                    self.assertEqual(cli_view(answer), self.cli("query", *args, exits=(0, 1)))
        results = {args: a.result for args, a in answers.items() if not a.ok}
        self.assertEqual(results, {
            ("movement", M_UNKNOWN): "not_found", ("guarantee", G_UNKNOWN): "not_found",
            ("usage", G_UNKNOWN): "not_found",
            ("usage", G1, "2026-12-01", "2026-01-01"): "period_invalid",
            ("duties", "KZ", "EUR", "2026-12-01", "2026-01-01"): "period_invalid"})
        self.check_what_the_cli_does_not_print(answers, declared)
        self.check_framing_against_the_server()
        self.check_reference_errors_against_the_cli()

        result = subprocess.run(
            ["/usr/bin/python3", EXAMPLE_EXPOSURE, "--endpoint", self.endpoint, "--provider",
             "20", "--country", "KZ", "--currency", "EUR", "--from", "2020-01-01", "--to",
             "2500-12-31"], capture_output=True, text=True, timeout=60,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = [line.split() for line in result.stdout.splitlines()]
        self.assertIn("exposure of provider 20: 3 principal and currency rows",
                      result.stdout.splitlines())
        m4_covered = answers[("movement", M4)].value.references[0].amount_concerned
        self.assertIn(["30", "USD", "0.00", "0.00", "0", "1"], lines)
        self.assertIn(["30", "EUR", m4_covered.text, "1250.00", "1", "1"], lines)
        self.assertIn(["claims", "1"], lines)
        self.assertIn(["collected", "1250.00", "EUR"], lines)
        self.stop_server()

    def check_what_the_cli_does_not_print(self, answers, declared):
        m1, m3, m4 = (answers[("movement", m)].value for m in (M1, M3, M4))
        self.assertEqual(m1.goods, (kt.GoodsLine(870323, kt.Amount(2_500_000, "EUR")),
                                    kt.GoodsLine(0, kt.Amount(90_000, "USD"))))
        self.assertEqual(str(m1.references[0].amount_concerned), declared[M1]["covered_0"])
        self.assertEqual([r.access_code_valid for m in (m1, m3, m4) for r in m.references],
                         [True, False, True])
        self.assertEqual((m1.state, m3.state, m4.state), ("claim_paid", "declared", "released"))
        self.assertEqual([e.event for e in m1.history],
                         ["declared", "released", "crossed", "incident", "claimed",
                          "claim_paid"])
        self.assertEqual(m1.declared_ns, m1.history[0].at_ns)
        self.assertTrue(m1.paid(0))
        self.assertEqual(len(m1.duties), len(m1.itinerary))
        g1, g3 = (answers[("guarantee", g)].value for g in (G1, G3))
        self.assertEqual((g3.status, g3.liability_liberation), ("cancelled",
                                                                datetime.date(2026, 12, 31)))
        self.assertEqual((g1.valid_from, g1.valid_to, g1.access_code_hashes),
                         (datetime.date(2000, 1, 1), datetime.date(2999, 12, 31), ()))
        self.assertEqual(g1.balance.drawn, kt.Amount(125_000, "EUR"))
        # Only M4 holds duties suspended now, in its itinerary's countries.
        kz = answers[("duties", "KZ", "EUR")].value
        kg = answers[("duties", "KG", "EUR")].value
        self.assertEqual((kz.suspended_now, kg.suspended_now), m4.duties)
        self.assertEqual((kz.claims, kz.claimed, kz.collected, kg.claims),
                         (1, kt.Amount(125_000, "EUR"), kt.Amount(125_000, "EUR"), 0))
        rows = answers[("exposure", "20")].value.rows
        self.assertEqual([(r.principal, r.currency) for r in rows],
                         [(30, "USD"), (30, "EUR"), (31, "EUR")])
        self.assertEqual(answers[("exposure", "20", "1")].value.rows, rows[1:])

    def check_framing_against_the_server(self):
        """Each framing case of TRANSIT_REQUEST_CASES, sent raw: the server's decoder gives the
        status the Python decoder gives (a well-framed junk payload: command_invalid)."""
        context = zmq.Context()
        raw = context.socket(zmq.DEALER)
        try:
            raw.linger = 0
            raw.connect(self.endpoint)
            for request_id, (name, operation, count, body, expected) in enumerate(
                    TRANSIT_REQUEST_CASES, 1):
                with self.subTest(framing=name):
                    raw.send(kc.encode_message(OP[operation], request_id, count, body))
                    self.assertTrue(raw.poll(10_000), f"no reply to {name}")
                    header, reply_body = kc.decode_reply(raw.recv())
                    if expected == "ok" and name != "query":
                        expected = "command_invalid"
                    self.assertEqual((kc.PROTOCOL_STATUSES[header.status], header.request_id),
                                     (expected, request_id))
        finally:
            raw.close(0)
            context.term()

    def check_reference_errors_against_the_cli(self):
        """The CLI checks a query's GRN or MRN as core/reference_number.cc does; it agrees with
        grn_error and mrn_error, word for word."""
        for kind, cases in (("guarantee", GRN_CASES), ("movement", MRN_CASES)):
            for text, expected in cases:
                with self.subTest(kind=kind, reference=text):
                    result = subprocess.run(
                        [KERVAN_BINARY, "client", "--endpoint", self.endpoint, "--json",
                         "query", kind, text], capture_output=True, text=True, timeout=60)
                    if expected == "ok":
                        self.assertEqual((result.returncode, json.loads(result.stdout)),
                                         (1, {"query": kind, "result": "not_found"}))
                    else:
                        name = "GRN" if kind == "guarantee" else "MRN"
                        self.assertEqual((result.returncode, result.stderr),
                                         (2, f"kervan client: {name} '{text}': {expected}\n"))


class EndToEndTransitCurveTest(EndToEndBase):
    def test_read_access_per_party(self):
        # The server's first start makes the operator's key (party 1); the operator registers
        # every other party and key from there (docs/operations.md, "Onboarding").
        keys = {name: os.path.join(self.tmp.name, name + ".key")
                for name in ("principal", "provider", "provider21")}
        keys["operator"] = os.path.join(self.data, "operator.key")
        for name in ("principal", "provider", "provider21"):
            self.keygen(keys[name])
        self.start_server(*TRANSIT_FLAGS)
        server_key = os.path.join(self.data, "server.pub")

        def step(key, *args):
            out = json.loads(self.kervan("client", "--endpoint", self.endpoint, "--server-key",
                                         server_key, "--key", keys[key], "--json",
                                         "transit", *args))
            self.assertEqual(out["result"], "ok", out)

        for party in (("20", "provider", "KZ"), ("21", "provider", "KZ"),
                      ("30", "principal", "CN"), ("31", "principal", "KZ")):
            step("operator", "register-party", "1", *party)
        for party, name in (("20", "provider"), ("21", "provider21"), ("30", "principal")):
            step("operator", "register-key", "1", party, keys[name])
        step("provider", "register-guarantee", "20", G1, "30", "1000.00", "EUR", "100", *VALIDITY)
        step("provider21", "register-guarantee", "21", G2, "31", "1000.00", "EUR", "100",
             *VALIDITY)

        def client(name):
            pair = kc.load_keypair(keys[name])
            return kc.Client(self.endpoint, server_public_key=kc.load_public_key(server_key),
                             public_key=pair.public, secret_key=pair.secret, timeout_ms=10_000)

        def forbidden(call):
            with self.assertRaises(kc.ServerError) as caught:
                call()
            self.assertEqual(caught.exception.status, "forbidden")

        with client("principal") as principal, client("provider") as provider:
            self.assertEqual(kt.query_guarantee(principal, G1).value.principal, 30)
            self.assertEqual(kt.query_guarantee(principal, G_UNKNOWN).result, "not_found")
            forbidden(lambda: kt.query_guarantee(principal, G2))  # Principal 31's.
            forbidden(lambda: kt.query_usage(principal, G2))
            forbidden(lambda: kt.query_exposure(principal, 20))
            forbidden(lambda: kt.query_duties(principal, "KZ", "EUR"))
            exposure = kt.query_exposure(provider, 20).value
            self.assertEqual([(r.principal, r.guarantees) for r in exposure.rows], [(30, 1)])
            forbidden(lambda: kt.query_exposure(provider, 21))
            forbidden(lambda: kt.query_guarantee(provider, G2))
            self.assertEqual(principal.in_flight + provider.in_flight, 0)
            with client("operator") as admin:
                self.assertEqual(admin.stats()["rejected_forbidden"], 6)

        result = subprocess.run(
            ["/usr/bin/python3", EXAMPLE_EXPOSURE, "--endpoint", self.endpoint, "--server-key",
             server_key, "--client-key", keys["principal"], "--provider", "20", "--country",
             "KZ"], capture_output=True, text=True, timeout=60,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
        self.assertEqual(result.returncode, 1)
        self.assertIn("forbidden", result.stderr)
        self.stop_server()

def main() -> int:
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[__name__])
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    skipped = len(result.skipped)
    passed = result.testsRun - failed - skipped
    for test, reason in result.skipped:
        print(f"skipped {test.id()}: {reason}")
    # The plain closing line, for runners that read it; ctest goes by the exit status.
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
