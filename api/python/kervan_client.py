"""Kervan's Python client: the wire protocol of docs/protocol.md over a ZeroMQ DEALER socket.

For analysts and scripts. Needs only the standard library and pyzmq; on Debian pyzmq is the
package ``python3-zmq``, which serves the system interpreter, so run scripts with
``/usr/bin/python3`` (another ``python3`` earlier on PATH may not see it).

    from kervan_client import Client, Account, Transfer, load_keypair

    client = Client("tcp://127.0.0.1:7420",
                    server_public_key="<40 Z85 characters>",   # logged by `kervan serve`
                    public_key=keys.public, secret_key=keys.secret)  # keys = load_keypair(...)
    client.ping()
    accounts = client.lookup_accounts([1, 2])
    transfers = client.get_account_transfers(1, limit=10, reversed=True)
    counters = client.stats()

Transit queries (operation transit_query) have their own module beside this one,
``kervan_transit``: ``query_movement(client, mrn)``, ``query_exposure(client, provider)`` and
the rest, with the answers as dataclasses.

Every request is one frame: a 64-byte header (magic, version, operation, flags, status, count,
request_id, body length, CRC32C of the body, reserved zeros, CRC32C of the header) and a body
of fixed-size little-endian records. Replies are decoded with the same checks, in the same
order, as the C++ ``decode_reply`` (api/protocol.cc); a reply that fails one raises
``ProtocolError`` naming the status.

The client pipelines: ``send()`` returns a request id at once and ``receive()`` returns the
next reply to any request, in whatever order the server answers. The convenience methods send
one request and wait for its reply, keeping replies to other requests for later ``receive()``
calls. A request stays in flight until its reply arrives, so after a ``TimeoutError`` or a
``Busy`` it can be sent again with the same request id and the same event ids: the ledger
answers ``exists`` for what it had applied, so a retry never applies twice.
"""

from __future__ import annotations

import dataclasses
import struct
import time
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple, Union

import zmq

__all__ = [
    "Account", "Transfer", "Reply", "Request", "KeyPair", "Client",
    "KervanError", "ProtocolError", "ServerError", "Busy",
    "encode_message", "decode_reply", "decode_request", "crc32c",
    "encode_transit_body", "transit_body_parts", "encode_access_codes", "decode_access_codes",
    "OPERATIONS", "PROTOCOL_STATUSES", "CREATE_ACCOUNT_RESULTS", "CREATE_TRANSFER_RESULTS",
    "STATS_COUNTER_NAMES", "load_keypair", "load_public_key",
]

# --------------------------------------------------------------------------------------------
# Constants of docs/protocol.md (api/protocol.h). DO NOT CHANGE the numbers: the wire format.

PROTOCOL_MAGIC = 0x4E56524B  # "KRVN" in byte order.
PROTOCOL_VERSION = 1
HEADER_BYTES = 64
FRAME_BYTES_MAX = 1024 * 1024  # message_bytes_max
BODY_BYTES_MAX = FRAME_BYTES_MAX - HEADER_BYTES
RECORD_BYTES = 128  # An account or a transfer (record coding, docs/storage_format.md).
ID_BYTES = 16
FILTER_BYTES = 64
STATS_COUNTER_BYTES = 8
BATCH_EVENTS_MAX = 8190
STATS_COUNTERS_MAX = 1024

FLAG_REPLY = 1

FILTER_FLAG_DEBITS = 1 << 0
FILTER_FLAG_CREDITS = 1 << 1
FILTER_FLAG_REVERSED = 1 << 2

# Account flags (ledger/types.h).
ACCOUNT_LINKED = 1 << 0
ACCOUNT_DEBITS_MUST_NOT_EXCEED_CREDITS = 1 << 1
ACCOUNT_CREDITS_MUST_NOT_EXCEED_DEBITS = 1 << 2
# Transfer flags (ledger/types.h).
TRANSFER_LINKED = 1 << 0
TRANSFER_PENDING = 1 << 1
TRANSFER_POST_PENDING_TRANSFER = 1 << 2
TRANSFER_VOID_PENDING_TRANSFER = 1 << 3

# transit_command (10) and transit_query (11): count 1; a u32 length L, a u32 length A, a u64
# as_of_ns, L bytes of the command or query, A bytes of access codes (a transit_command's only),
# zeros up to a multiple of 8. A transit_query and its answer have A = 0 and as_of_ns = 0.
TRANSIT_BODY_PREFIX_BYTES = 16
TRANSIT_BODY_BYTES_MAX = TRANSIT_BODY_PREFIX_BYTES + 513 * 1024  # Requests.
TRANSIT_ANSWER_BODY_BYTES_MAX = TRANSIT_BODY_PREFIX_BYTES + 256 * 1024  # transit_query replies.
assert TRANSIT_ANSWER_BODY_BYTES_MAX <= BODY_BYTES_MAX
# The access codes of a declaration: u8 count, then per code u8 length and its bytes.
ACCESS_CODES_MAX_PER_REQUEST = 9
ACCESS_CODE_BYTES_MAX = 64

U128_MAX = (1 << 128) - 1

# KERVAN_OPERATIONS of api/protocol.h (a test checks this copy against it).
OPERATIONS: Dict[str, int] = {
    "ping": 1,
    "create_accounts": 2,
    "create_transfers": 3,
    "lookup_accounts": 4,
    "lookup_transfers": 5,
    "get_account_transfers": 6,
    "stats": 7,
    "feed_accounts": 8,
    "feed_transfers": 9,
    "transit_command": 10,
    "transit_query": 11,
    "transit_subscribe": 12,
    "transit_event": 13,
}
OPERATION_NAMES: Dict[int, str] = {number: name for name, number in OPERATIONS.items()}

# KERVAN_PROTOCOL_STATUSES of api/protocol.h (a test checks this copy against it).
PROTOCOL_STATUSES: Dict[int, str] = {
    0: "ok",
    1: "frame_too_short",
    2: "frame_too_long",
    3: "bad_magic",
    4: "header_checksum_mismatch",
    5: "unsupported_version",
    6: "unknown_operation",
    7: "flags_invalid",
    8: "status_not_zero",
    9: "reserved_not_zero",
    10: "body_length_mismatch",
    11: "count_mismatch",
    12: "count_too_large",
    13: "count_zero",
    14: "body_checksum_mismatch",
    15: "busy",
    16: "unauthenticated",
    17: "forbidden",
    18: "store_failed",
    19: "shutting_down",
    20: "command_invalid",
    21: "clock_regressed",
}
STATUS_NUMBERS: Dict[str, int] = {name: number for number, name in PROTOCOL_STATUSES.items()}

# KERVAN_CREATE_ACCOUNT_RESULTS of ledger/results.h (docs/result_codes.md); a test checks it.
CREATE_ACCOUNT_RESULTS: Dict[int, str] = {
    0: "ok",
    1: "linked_event_failed",
    2: "linked_event_chain_open",
    3: "timestamp_must_be_zero",
    4: "reserved_field",
    5: "reserved_flag",
    6: "id_must_not_be_zero",
    7: "id_must_not_be_int_max",
    8: "flags_are_mutually_exclusive",
    9: "debits_pending_must_be_zero",
    10: "debits_posted_must_be_zero",
    11: "credits_pending_must_be_zero",
    12: "credits_posted_must_be_zero",
    13: "ledger_must_not_be_zero",
    14: "code_must_not_be_zero",
    15: "exists_with_different_flags",
    16: "exists_with_different_user_data_128",
    17: "exists_with_different_user_data_64",
    18: "exists_with_different_user_data_32",
    19: "exists_with_different_ledger",
    20: "exists_with_different_code",
    21: "exists",
    22: "accounts_capacity_reached",
}

# KERVAN_CREATE_TRANSFER_RESULTS of ledger/results.h (docs/result_codes.md); a test checks it.
CREATE_TRANSFER_RESULTS: Dict[int, str] = {
    0: "ok",
    1: "linked_event_failed",
    2: "linked_event_chain_open",
    3: "timestamp_must_be_zero",
    4: "reserved_flag",
    5: "id_must_not_be_zero",
    6: "id_must_not_be_int_max",
    7: "exists_with_different_flags",
    8: "exists_with_different_pending_id",
    9: "exists_with_different_timeout",
    10: "exists_with_different_debit_account_id",
    11: "exists_with_different_credit_account_id",
    12: "exists_with_different_amount",
    13: "exists_with_different_user_data_128",
    14: "exists_with_different_user_data_64",
    15: "exists_with_different_user_data_32",
    16: "exists_with_different_ledger",
    17: "exists_with_different_code",
    18: "exists",
    19: "id_already_failed",
    20: "flags_are_mutually_exclusive",
    21: "debit_account_id_must_not_be_zero",
    22: "debit_account_id_must_not_be_int_max",
    23: "credit_account_id_must_not_be_zero",
    24: "credit_account_id_must_not_be_int_max",
    25: "accounts_must_be_different",
    26: "pending_id_must_be_zero",
    27: "pending_id_must_not_be_zero",
    28: "pending_id_must_not_be_int_max",
    29: "pending_id_must_be_different",
    30: "timeout_reserved_for_pending_transfer",
    31: "ledger_must_not_be_zero",
    32: "code_must_not_be_zero",
    33: "amount_must_not_be_zero",
    34: "debit_account_not_found",
    35: "credit_account_not_found",
    36: "accounts_must_have_the_same_ledger",
    37: "transfer_must_have_the_same_ledger_as_accounts",
    38: "pending_transfer_not_found",
    39: "pending_transfer_not_pending",
    40: "pending_transfer_has_different_debit_account_id",
    41: "pending_transfer_has_different_credit_account_id",
    42: "pending_transfer_has_different_ledger",
    43: "pending_transfer_has_different_code",
    44: "exceeds_pending_transfer_amount",
    45: "pending_transfer_has_different_amount",
    46: "pending_transfer_already_posted",
    47: "pending_transfer_already_voided",
    48: "pending_transfer_expired",
    49: "overflows_debits_pending",
    50: "overflows_credits_pending",
    51: "overflows_debits_posted",
    52: "overflows_credits_posted",
    53: "overflows_debits",
    54: "overflows_credits",
    55: "overflows_timeout",
    56: "exceeds_credits",
    57: "exceeds_debits",
    58: "transfers_capacity_reached",
}

# The counters of a stats reply, in order (ServerCounters of api/server.h, docs/operations.md);
# a test checks this copy against api/server.h. A server with more counters than listed here
# gives the extra ones the names counter_<index>.
STATS_COUNTER_NAMES: Tuple[str, ...] = (
    "requests",
    "events",
    "replies",
    "rejected_malformed",
    "rejected_busy",
    "replies_undeliverable",
    "batches_durable",
    "commit_latency_us_max",
    "rejected_unauthenticated",
    "rejected_forbidden",
    "rejected_revoked",
    "transit_refused",
    "transit_events",
)

# --------------------------------------------------------------------------------------------
# CRC32C (Castagnoli): polynomial 0x1EDC6F41, reflected (0x82F63B78), initial value and final
# xor 0xFFFFFFFF. crc32c(b"123456789") == 0xE3069283.


def _make_crc32c_table() -> Tuple[int, ...]:
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return tuple(table)


_CRC32C_TABLE = _make_crc32c_table()


def crc32c(data: Union[bytes, bytearray, memoryview], crc: int = 0) -> int:
    """The CRC32C of ``data`` (0 for no bytes); pass a previous result as ``crc`` to continue."""
    table = _CRC32C_TABLE
    c = crc ^ 0xFFFFFFFF
    for byte in bytes(data):
        c = table[(c ^ byte) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


# --------------------------------------------------------------------------------------------
# Errors.


class KervanError(Exception):
    """The base of this module's errors (TimeoutError is Python's own)."""


class ProtocolError(KervanError):
    """A frame failed a check of docs/protocol.md ("Checks, in order"), or a reply does not
    match its request. ``status`` is the status name (e.g. "body_checksum_mismatch", or
    "reply_mismatch" for a reply that does not fit its request); ``header`` holds the header
    fields when the header checksum held (None before it)."""

    def __init__(self, status: str, detail: str = "", header: Optional["Header"] = None):
        super().__init__(status if not detail else f"{status}: {detail}")
        self.status = status
        self.header = header


class ServerError(KervanError):
    """The server answered a request with a status other than ok (the request had no effect).
    ``request`` is the request, kept in flight for retryable statuses (busy, shutting_down)."""

    def __init__(self, status: str, request: "Request"):
        super().__init__(f"{status} (request {request.request_id}, "
                         f"{OPERATION_NAMES.get(request.operation, request.operation)})")
        self.status = status
        self.request = request


class Busy(ServerError):
    """The server's queue was full and nothing was done. Retry later with the same request id
    and the same event ids: ``client.retry(error.request)``."""


# --------------------------------------------------------------------------------------------
# Frames.

# magic u32, version u16, operation u16, flags u16, status u16, count u32, request_id u64,
# body_bytes u32, body_checksum u32; then 28 reserved bytes and the header checksum u32.
_HEADER = struct.Struct("<IHHHHIQII")
_RESERVED_OFFSET = 32
_HEADER_CHECKSUM_OFFSET = 60
assert _HEADER.size == _RESERVED_OFFSET


@dataclasses.dataclass(frozen=True)
class Header:
    operation: int
    flags: int
    status: int
    count: int
    request_id: int
    body_bytes: int
    body_checksum: int


def encode_message(operation: int, request_id: int, count: int, body: bytes = b"",
                   flags: int = 0, status: int = 0) -> bytes:
    """A whole message: the header with both checksums, then ``body``. For a request leave
    flags and status 0; a reply has flags FLAG_REPLY and its status. Like the C++
    encode_message, does not check count against the body (tests build defective frames)."""
    body = bytes(body)
    if len(body) > BODY_BYTES_MAX:
        raise ValueError(f"body of {len(body)} bytes passes {BODY_BYTES_MAX}")
    head = _HEADER.pack(PROTOCOL_MAGIC, PROTOCOL_VERSION, operation, flags, status, count,
                        request_id, len(body), crc32c(body)) + bytes(28)
    return head + struct.pack("<I", crc32c(head)) + body


@dataclasses.dataclass(frozen=True)
class _BodyRule:
    """What a body must hold, for one operation and direction (BodyRule of api/protocol.cc)."""
    body_bytes: Optional[Callable[[int], int]]  # For a count; None: a transit body.
    count_max: int  # 0: count must be 0.
    count_zero_ok: bool
    transit_bytes_max: int = 0  # Of a transit body, prefix included.
    transit_reserved: bool = False  # A and as_of_ns must be zero (queries and their answers).


def _transit_rule(bytes_max: int, reserved: bool) -> _BodyRule:
    return _BodyRule(None, 1, False, transit_bytes_max=bytes_max, transit_reserved=reserved)


def _request_rule(operation: int) -> _BodyRule:
    """The rule of a request (request_rule of api/protocol.cc)."""
    if operation in (OPERATIONS["create_accounts"], OPERATIONS["create_transfers"]):
        return _BodyRule(lambda n: n * RECORD_BYTES, BATCH_EVENTS_MAX, False)
    if operation in (OPERATIONS["lookup_accounts"], OPERATIONS["lookup_transfers"]):
        return _BodyRule(lambda n: n * ID_BYTES, BATCH_EVENTS_MAX, False)
    if operation == OPERATIONS["get_account_transfers"]:
        return _BodyRule(lambda n: n * FILTER_BYTES, 1, False)
    if operation == OPERATIONS["transit_command"]:
        return _transit_rule(TRANSIT_BODY_BYTES_MAX, reserved=False)  # A: access codes.
    if operation in (OPERATIONS["transit_query"], OPERATIONS["transit_subscribe"]):
        return _transit_rule(TRANSIT_BODY_BYTES_MAX, reserved=True)
    return _BodyRule(lambda n: 0, 0, True)  # ping, stats (feeds are refused before).


def results_body_bytes(count: int) -> int:
    """The body of a create_* reply: one result byte per event, zero-padded to 8."""
    return (count + 7) // 8 * 8


def _reply_rule(operation: int, status: int) -> _BodyRule:
    """The rule of a reply (reply_rule of api/protocol.cc)."""
    if status != 0:
        return _BodyRule(lambda n: 0, 0, True)  # No effect, no body.
    if operation in (OPERATIONS["create_accounts"], OPERATIONS["create_transfers"]):
        return _BodyRule(results_body_bytes, BATCH_EVENTS_MAX, False)
    if operation == OPERATIONS["transit_command"]:
        return _BodyRule(results_body_bytes, 1, False)  # One u8 TransitResult, padded to 8.
    if operation in (OPERATIONS["transit_query"], OPERATIONS["transit_subscribe"]):
        return _transit_rule(TRANSIT_ANSWER_BODY_BYTES_MAX, reserved=True)  # One answer.
    if operation == OPERATIONS["transit_event"]:  # A step's business time in as_of_ns.
        return _transit_rule(TRANSIT_BODY_BYTES_MAX, reserved=False)
    if operation == OPERATIONS["stats"]:
        return _BodyRule(lambda n: n * STATS_COUNTER_BYTES, STATS_COUNTERS_MAX, True)
    if operation == OPERATIONS["ping"]:
        return _BodyRule(lambda n: 0, 0, True)
    return _BodyRule(lambda n: n * RECORD_BYTES, BATCH_EVENTS_MAX, True)  # Lookups, feeds.


def _check_transit_body(frame: bytes, count: int, body_bytes: int, rule: _BodyRule,
                        fail: Callable[..., ProtocolError]) -> None:
    """Check 10 for a transit body: count 1; a u32 length L > 0, a u32 length A, a u64
    as_of_ns, L + A bytes, zeros up to a multiple of 8, within the rule's maximum; nothing more,
    nothing less (count_mismatch, unless count > 1: count_too_large comes next). Then, for a
    query and its answer, A and as_of_ns zero (reserved_not_zero)."""
    prefix = TRANSIT_BODY_PREFIX_BYTES
    length, codes, as_of_ns = (struct.unpack_from("<IIQ", frame, HEADER_BYTES)
                               if body_bytes >= prefix else (0, 0, 0))
    used = prefix + length + codes
    fits = (count == 1 and prefix + 8 <= body_bytes <= rule.transit_bytes_max and length > 0
            and (used + 7) // 8 * 8 == body_bytes and not any(frame[HEADER_BYTES + used:]))
    if not fits and count <= 1:
        raise fail("count_mismatch", f"not one length-prefixed payload padded to 8 within "
                                     f"{rule.transit_bytes_max} bytes")
    if fits and rule.transit_reserved and (codes != 0 or as_of_ns != 0):
        raise fail("reserved_not_zero", f"access codes length {codes}, as_of_ns {as_of_ns}")


def _decode(frame: bytes, reply: bool) -> Tuple[Header, bytes]:
    size = len(frame)
    if size < HEADER_BYTES:
        raise ProtocolError("frame_too_short", f"{size} bytes")
    if size > FRAME_BYTES_MAX:
        raise ProtocolError("frame_too_long", f"{size} bytes")
    (magic, version, operation, flags, status, count, request_id, body_bytes,
     body_checksum) = _HEADER.unpack_from(frame, 0)
    if magic != PROTOCOL_MAGIC:
        raise ProtocolError("bad_magic", f"0x{magic:08x}")
    (header_checksum,) = struct.unpack_from("<I", frame, _HEADER_CHECKSUM_OFFSET)
    if header_checksum != crc32c(frame[:_HEADER_CHECKSUM_OFFSET]):
        raise ProtocolError("header_checksum_mismatch")
    header = Header(operation, flags, status, count, request_id, body_bytes, body_checksum)

    def fail(name: str, detail: str = "") -> ProtocolError:
        return ProtocolError(name, detail, header)

    if version != PROTOCOL_VERSION:
        raise fail("unsupported_version", str(version))
    if operation not in OPERATION_NAMES:
        raise fail("unknown_operation", str(operation))
    if reply:
        if flags != FLAG_REPLY:
            raise fail("flags_invalid", str(flags))
        if status not in PROTOCOL_STATUSES:
            raise fail("status_not_zero", str(status))
        rule = _reply_rule(operation, status)
    else:
        if operation in (OPERATIONS["feed_accounts"], OPERATIONS["feed_transfers"],
                         OPERATIONS["transit_event"]):
            raise fail("unknown_operation", "published, never requested")
        if flags != 0:
            raise fail("flags_invalid", str(flags))
        if status != 0:
            raise fail("status_not_zero", str(status))
        rule = _request_rule(operation)
    if any(frame[_RESERVED_OFFSET:_HEADER_CHECKSUM_OFFSET]):
        raise fail("reserved_not_zero")
    if body_bytes != size - HEADER_BYTES:
        raise fail("body_length_mismatch", f"header says {body_bytes}, frame has "
                                           f"{size - HEADER_BYTES}")
    if rule.body_bytes is None:
        _check_transit_body(frame, count, body_bytes, rule, fail)
    elif rule.body_bytes(count) != body_bytes:
        raise fail("count_mismatch", f"count {count}, body {body_bytes} bytes")
    if count > rule.count_max:
        raise fail("count_too_large", str(count))
    if count == 0 and not rule.count_zero_ok:
        raise fail("count_zero")
    body = bytes(frame[HEADER_BYTES:])
    if crc32c(body) != body_checksum:
        raise fail("body_checksum_mismatch")
    if (reply and status == 0 and operation in (OPERATIONS["create_accounts"],
                                                OPERATIONS["create_transfers"],
                                                OPERATIONS["transit_command"])
            and any(body[count:])):
        raise fail("reserved_not_zero", "padding of the results")
    return header, body


def decode_reply(frame: bytes) -> Tuple[Header, bytes]:
    """Checks a received reply as the C++ decode_reply does (api/protocol.cc), in the order of
    docs/protocol.md; returns (header, body) or raises ProtocolError(status name)."""
    return _decode(bytes(frame), reply=True)


def decode_request(frame: bytes) -> Tuple[Header, bytes]:
    """Checks a request as the server does (decode_request); for tests and fake servers."""
    return _decode(bytes(frame), reply=False)


# --------------------------------------------------------------------------------------------
# Transit bodies (transit_command, transit_query and its answer) and access codes.


def encode_transit_body(payload: bytes, as_of_ns: int = 0, access_codes: bytes = b"",
                        bytes_max: int = TRANSIT_BODY_BYTES_MAX) -> bytes:
    """The body around one command, query or answer (encode_transit_body of api/protocol.cc):
    u32 L, u32 A, u64 as_of_ns, the payload, ``access_codes`` (encode_access_codes() output, a
    declaration's only), zeros up to a multiple of 8. ``bytes_max``: TRANSIT_BODY_BYTES_MAX, or
    TRANSIT_ANSWER_BODY_BYTES_MAX for an answer. Raises ValueError for an empty payload or a
    body past bytes_max."""
    payload = bytes(payload)
    access_codes = bytes(access_codes)
    used = TRANSIT_BODY_PREFIX_BYTES + len(payload) + len(access_codes)
    size = (used + 7) // 8 * 8
    if not payload:
        raise ValueError("a transit body needs a payload")
    if size > bytes_max:
        raise ValueError(f"a transit body of {size} bytes passes {bytes_max}")
    return (struct.pack("<IIQ", len(payload), len(access_codes), as_of_ns) + payload
            + access_codes + bytes(size - used))


def transit_body_parts(body: bytes) -> Tuple[bytes, bytes, int]:
    """(payload, access codes, as_of_ns) of a transit body that decoded (decode_request or
    decode_reply checked its framing; transit_command_of, transit_access_codes_of and
    transit_as_of_of of api/protocol.cc)."""
    length, codes, as_of_ns = struct.unpack_from("<IIQ", body, 0)
    start = TRANSIT_BODY_PREFIX_BYTES
    if start + length + codes > len(body):
        raise ValueError("not a decoded transit body: its lengths pass its end")
    return (bytes(body[start:start + length]), bytes(body[start + length:start + length + codes]),
            as_of_ns)


def encode_access_codes(codes: Sequence[Union[str, bytes]]) -> bytes:
    """A declaration's access codes, one per guarantee reference in order ("" where none): u8
    count, then each as u8 length and its bytes (encode_access_codes of api/protocol.cc). Raises
    ValueError past ACCESS_CODES_MAX_PER_REQUEST codes or ACCESS_CODE_BYTES_MAX bytes a code."""
    if len(codes) > ACCESS_CODES_MAX_PER_REQUEST:
        raise ValueError(f"{len(codes)} access codes pass {ACCESS_CODES_MAX_PER_REQUEST}")
    out = bytearray([len(codes)])
    for code in codes:
        raw = code.encode("utf-8") if isinstance(code, str) else bytes(code)
        if len(raw) > ACCESS_CODE_BYTES_MAX:
            raise ValueError(f"an access code of {len(raw)} bytes passes "
                             f"{ACCESS_CODE_BYTES_MAX}")
        out.append(len(raw))
        out += raw
    return bytes(out)


def decode_access_codes(data: bytes) -> List[bytes]:
    """The codes of exactly one well-formed list (decode_access_codes of api/protocol.cc);
    raises ValueError for anything else (empty, too many, too long, short, trailing bytes)."""
    data = bytes(data)
    if not data or data[0] > ACCESS_CODES_MAX_PER_REQUEST:
        raise ValueError("an access-code list starts with a count of 0 to "
                         f"{ACCESS_CODES_MAX_PER_REQUEST}")
    codes = []
    at = 1
    for _ in range(data[0]):
        if at >= len(data):
            raise ValueError(f"access code {len(codes)} is missing")
        length = data[at]
        at += 1
        if length > ACCESS_CODE_BYTES_MAX or length > len(data) - at:
            raise ValueError(f"access code {len(codes)} of {length} bytes is too long")
        codes.append(data[at:at + length])
        at += length
    if at != len(data):
        raise ValueError(f"{len(data) - at} bytes after the access codes")
    return codes


# --------------------------------------------------------------------------------------------
# Records (docs/storage_format.md, "Record coding (128 bytes)").


def _u128_bytes(value: int, name: str) -> bytes:
    if not 0 <= value <= U128_MAX:
        raise ValueError(f"{name} = {value} is not a u128")
    return value.to_bytes(16, "little")


def _u128(data: bytes, offset: int) -> int:
    return int.from_bytes(data[offset:offset + 16], "little")


# user_data_64 u64, user_data_32 u32, reserved/timeout_s u32, ledger u32, code u16, flags u16,
# timestamp u64: bytes [96, 128).
_TAIL = struct.Struct("<QIIIHHQ")
assert _TAIL.size == 32


@dataclasses.dataclass
class Account:
    """An account (128 bytes). Balances are the ledger's: zero in a create_accounts event.
    Fields are listed in the order a caller fills them, not the wire order: name them."""
    id: int
    ledger: int = 0  # The ISO 4217 numeric currency code of every amount.
    code: int = 0    # Chart-of-accounts kind (never zero).
    flags: int = 0   # ACCOUNT_* bits.
    debits_pending: int = 0
    debits_posted: int = 0
    credits_pending: int = 0
    credits_posted: int = 0
    user_data_128: int = 0
    user_data_64: int = 0
    user_data_32: int = 0
    reserved: int = 0
    timestamp: int = 0  # Assigned by the ledger; zero in an event.

    def encode(self) -> bytes:
        return b"".join((
            _u128_bytes(self.id, "id"),
            _u128_bytes(self.debits_pending, "debits_pending"),
            _u128_bytes(self.debits_posted, "debits_posted"),
            _u128_bytes(self.credits_pending, "credits_pending"),
            _u128_bytes(self.credits_posted, "credits_posted"),
            _u128_bytes(self.user_data_128, "user_data_128"),
            _TAIL.pack(self.user_data_64, self.user_data_32, self.reserved, self.ledger,
                       self.code, self.flags, self.timestamp),
        ))

    @classmethod
    def decode(cls, data: bytes, offset: int = 0) -> "Account":
        if len(data) - offset < RECORD_BYTES:
            raise ValueError("an account is 128 bytes")
        user_data_64, user_data_32, reserved, ledger, code, flags, timestamp = \
            _TAIL.unpack_from(data, offset + 96)
        return cls(id=_u128(data, offset), debits_pending=_u128(data, offset + 16),
                   debits_posted=_u128(data, offset + 32),
                   credits_pending=_u128(data, offset + 48),
                   credits_posted=_u128(data, offset + 64),
                   user_data_128=_u128(data, offset + 80), user_data_64=user_data_64,
                   user_data_32=user_data_32, reserved=reserved, ledger=ledger, code=code,
                   flags=flags, timestamp=timestamp)

    @property
    def balance(self) -> int:
        """credits_posted - debits_posted (the sign tells which side is larger)."""
        return self.credits_posted - self.debits_posted


@dataclasses.dataclass
class Transfer:
    """A transfer (128 bytes) of ``amount`` minor units from the debit to the credit account.
    Fields are listed in the order a caller fills them, not the wire order: name them."""
    id: int
    debit_account_id: int = 0
    credit_account_id: int = 0
    amount: int = 0
    ledger: int = 0
    code: int = 0
    flags: int = 0  # TRANSFER_* bits.
    pending_id: int = 0
    timeout_s: int = 0
    user_data_128: int = 0
    user_data_64: int = 0
    user_data_32: int = 0
    timestamp: int = 0  # Assigned by the ledger; zero in an event.

    def encode(self) -> bytes:
        return b"".join((
            _u128_bytes(self.id, "id"),
            _u128_bytes(self.debit_account_id, "debit_account_id"),
            _u128_bytes(self.credit_account_id, "credit_account_id"),
            _u128_bytes(self.amount, "amount"),
            _u128_bytes(self.pending_id, "pending_id"),
            _u128_bytes(self.user_data_128, "user_data_128"),
            _TAIL.pack(self.user_data_64, self.user_data_32, self.timeout_s, self.ledger,
                       self.code, self.flags, self.timestamp),
        ))

    @classmethod
    def decode(cls, data: bytes, offset: int = 0) -> "Transfer":
        if len(data) - offset < RECORD_BYTES:
            raise ValueError("a transfer is 128 bytes")
        user_data_64, user_data_32, timeout_s, ledger, code, flags, timestamp = \
            _TAIL.unpack_from(data, offset + 96)
        return cls(id=_u128(data, offset), debit_account_id=_u128(data, offset + 16),
                   credit_account_id=_u128(data, offset + 32), amount=_u128(data, offset + 48),
                   pending_id=_u128(data, offset + 64), user_data_128=_u128(data, offset + 80),
                   user_data_64=user_data_64, user_data_32=user_data_32, timeout_s=timeout_s,
                   ledger=ledger, code=code, flags=flags, timestamp=timestamp)


def decode_records(body: bytes, cls):
    """The 128-byte records of a body as ``cls`` (Account or Transfer)."""
    return [cls.decode(body, offset) for offset in range(0, len(body), RECORD_BYTES)]


def encode_filter(account_id: int, limit: int, reversed: bool = False, debits: bool = True,
                  credits: bool = True, timestamp_min: int = 0, timestamp_max: int = 0) -> bytes:
    """The 64-byte filter of get_account_transfers."""
    flags = ((FILTER_FLAG_DEBITS if debits else 0) | (FILTER_FLAG_CREDITS if credits else 0)
             | (FILTER_FLAG_REVERSED if reversed else 0))
    return (_u128_bytes(account_id, "account_id")
            + struct.pack("<QQII", timestamp_min, timestamp_max, limit, flags) + bytes(24))


# --------------------------------------------------------------------------------------------
# Keys.


@dataclasses.dataclass(frozen=True)
class KeyPair:
    public: str  # 40 Z85 characters.
    secret: str


_Z85_CHARS = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                       ".-:+=^!/*?&<>()[]{}@%$#")


def _is_z85_key(text: str) -> bool:
    return len(text) == 40 and all(c in _Z85_CHARS for c in text)


def load_keypair(path: str) -> KeyPair:
    """Reads a key file written by ``kervan keygen`` ("public <z85>\\nsecret <z85>\\n")."""
    with open(path, "r", encoding="ascii") as f:
        words = f.read().split()
    if (len(words) != 4 or words[0] != "public" or words[2] != "secret"
            or not _is_z85_key(words[1]) or not _is_z85_key(words[3])):
        raise ValueError(f"{path}: expected 'public <40 Z85>' and 'secret <40 Z85>' lines")
    return KeyPair(public=words[1], secret=words[3])


def load_public_key(path: str) -> str:
    """A public key from a file holding either the key alone (40 Z85 characters, as the server
    logs it) or a key pair file (only its public line is read)."""
    with open(path, "r", encoding="ascii") as f:
        words = f.read().split()
    if len(words) == 1 and _is_z85_key(words[0]):
        return words[0]
    if len(words) >= 2 and words[0] == "public" and _is_z85_key(words[1]):
        return words[1]
    raise ValueError(f"{path}: expected a 40-character Z85 public key or 'public <z85>'")


# --------------------------------------------------------------------------------------------
# The client.


@dataclasses.dataclass(frozen=True)
class Reply:
    request_id: int
    operation: int
    status: str  # "ok", or a status of docs/protocol.md.
    count: int
    body: bytes

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@dataclasses.dataclass(frozen=True)
class Request:
    """A request in flight, kept until its reply: resent unchanged (same request id, same
    bytes) by Client.resend() and Client.retry()."""
    request_id: int
    operation: int
    count: int
    frame: bytes
    # For the convenience methods: turns the ok reply into their result (Client.retry).
    parse: Optional[Callable[[Reply], object]] = dataclasses.field(default=None, compare=False)


RETRYABLE_STATUSES = frozenset(("busy", "shutting_down"))


def _operation_number(operation: Union[int, str]) -> int:
    if isinstance(operation, str):
        return OPERATIONS[operation]
    return int(operation)


class Client:
    """A DEALER socket to a Kervan server (CURVE when keys are given), with pipelining.

    ``endpoint`` as ZeroMQ spells it ("tcp://127.0.0.1:7420", "ipc:///run/kervan.sock").
    ``server_public_key``, ``public_key``, ``secret_key``: Z85 texts; all three for CURVE, none
    for a server started with --insecure yes. A server that refuses the key answers nothing:
    calls raise TimeoutError. ``timeout_ms`` bounds every wait for a reply.
    """

    def __init__(self, endpoint: str, server_public_key: Optional[str] = None,
                 public_key: Optional[str] = None, secret_key: Optional[str] = None,
                 timeout_ms: int = 5000, context: Optional[zmq.Context] = None):
        keys = (server_public_key, public_key, secret_key)
        if any(k is not None for k in keys) and not all(k is not None for k in keys):
            raise ValueError("CURVE needs server_public_key, public_key and secret_key")
        self.endpoint = endpoint
        self.timeout_ms = timeout_ms
        self._own_context = context is None
        self._context = context if context is not None else zmq.Context()
        self._socket = self._context.socket(zmq.DEALER)
        if server_public_key is not None:
            self._socket.curve_serverkey = server_public_key.encode("ascii")
            self._socket.curve_publickey = public_key.encode("ascii")
            self._socket.curve_secretkey = secret_key.encode("ascii")
        self._socket.linger = 0
        self._socket.sndhwm = 100_000
        self._socket.rcvhwm = 100_000
        self._socket.maxmsgsize = FRAME_BYTES_MAX
        self._socket.connect(endpoint)
        self._poller = zmq.Poller()
        self._poller.register(self._socket, zmq.POLLIN)
        self._next_id = 1
        self._in_flight: Dict[int, Request] = {}
        self._early: Dict[int, Reply] = {}  # Replies received while waiting for another.
        self.replies_dropped = 0  # Replies to no request in flight (e.g. answered twice).

    # -- lifetime --

    def close(self) -> None:
        """Closes the socket at once (LINGER 0: requests still queued are dropped)."""
        if self._socket is not None:
            self._socket.close(0)
            self._socket = None
        if self._own_context and self._context is not None:
            self._context.term()
            self._context = None

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def in_flight(self) -> int:
        return len(self._in_flight)

    # -- pipelining --

    def send(self, operation: Union[int, str], count: int, body: bytes = b"",
             parse: Optional[Callable[[Reply], object]] = None) -> int:
        """Sends a request at once and returns its request id; the reply comes from receive()
        or wait(). ``operation``: a number or a name of OPERATIONS."""
        number = _operation_number(operation)
        request_id = self._next_id
        self._next_id += 1
        frame = encode_message(number, request_id, count, body)
        self._in_flight[request_id] = Request(request_id, number, count, frame, parse)
        self._socket.send(frame, copy=False)
        return request_id

    def resend(self, request_id: int) -> None:
        """Sends a request still in flight again, unchanged (same id, same bytes)."""
        self._socket.send(self._in_flight[request_id].frame, copy=False)

    def resend_all(self) -> int:
        """Sends every request that has no reply yet again; returns how many."""
        for request in list(self._in_flight.values()):
            self._socket.send(request.frame, copy=False)
        return len(self._in_flight)

    def request(self, request_id: int) -> Request:
        """A request still in flight."""
        return self._in_flight[request_id]

    def receive(self, timeout_ms: Optional[int] = None) -> Reply:
        """The next reply to any request in flight, whatever its status (see Reply.status).
        Raises TimeoutError after ``timeout_ms`` (default: the client's), ProtocolError for a
        reply that does not decode or does not fit its request (its request stays in flight:
        resend it). A busy or shutting_down reply leaves its request in flight, to be resent."""
        if self._early:
            request_id = next(iter(self._early))
            return self._early.pop(request_id)
        deadline = self._deadline(timeout_ms)
        while True:
            reply = self._receive_one(deadline)
            if reply is not None:
                return reply

    def wait(self, request_id: int, timeout_ms: Optional[int] = None) -> Reply:
        """The reply to ``request_id``; replies to other requests are kept for receive()."""
        if request_id in self._early:
            return self._early.pop(request_id)
        if request_id not in self._in_flight:
            raise KeyError(f"request {request_id} is not in flight")
        deadline = self._deadline(timeout_ms)
        while True:
            reply = self._receive_one(deadline)
            if reply is None:
                continue
            if reply.request_id == request_id:
                return reply
            self._early[reply.request_id] = reply

    def _deadline(self, timeout_ms: Optional[int]) -> float:
        ms = self.timeout_ms if timeout_ms is None else timeout_ms
        return time.monotonic() + ms / 1000.0

    def _receive_one(self, deadline: float) -> Optional[Reply]:
        """One frame off the socket (waiting until ``deadline``): its reply, or None for a
        reply to no request in flight (dropped and counted)."""
        remaining_ms = max(0, int((deadline - time.monotonic()) * 1000 + 0.999))
        if not self._poller.poll(remaining_ms):
            raise TimeoutError(f"no reply from {self.endpoint} within the timeout "
                               f"({len(self._in_flight)} requests in flight)")
        frame = self._socket.recv(copy=True)
        header, body = decode_reply(frame)
        request = self._in_flight.get(header.request_id)
        if request is None:
            self.replies_dropped += 1
            return None
        status = PROTOCOL_STATUSES[header.status]
        self._check_fits(request, header, status)
        reply = Reply(header.request_id, header.operation, status, header.count, body)
        if status not in RETRYABLE_STATUSES:
            del self._in_flight[header.request_id]
        return reply

    @staticmethod
    def _check_fits(request: Request, header: Header, status: str) -> None:
        """A reply must answer its request: same operation, and an ok reply a count that fits
        (one result per event for create_*, at most the ids asked for a lookup)."""
        if header.operation != request.operation and (
                status == "ok" or header.operation != OPERATIONS["ping"]):
            # A request refused before its operation was read (header_checksum_mismatch) is
            # answered as ping; any other reply names the request's operation.
            raise ProtocolError("reply_mismatch", f"operation {header.operation} answers "
                                f"request {request.request_id} of operation "
                                f"{request.operation}")
        if status != "ok":
            return
        op = request.operation
        if op in (OPERATIONS["create_accounts"], OPERATIONS["create_transfers"]):
            fits = header.count == request.count
        elif op in (OPERATIONS["lookup_accounts"], OPERATIONS["lookup_transfers"]):
            fits = header.count <= request.count
        elif op == OPERATIONS["get_account_transfers"]:
            (limit,) = struct.unpack_from("<I", request.frame, HEADER_BYTES + 32)
            fits = header.count <= limit
        else:
            fits = True
        if not fits:
            raise ProtocolError("reply_mismatch", f"{header.count} records answer "
                                f"{request.count}")

    # -- synchronous calls --

    def call(self, operation: Union[int, str], count: int, body: bytes = b"",
             parse: Optional[Callable[[Reply], object]] = None,
             timeout_ms: Optional[int] = None):
        """Sends a request and waits for its reply: ``parse(reply)`` (the Reply itself when
        parse is None) when ok; raises Busy, ServerError, ProtocolError or TimeoutError."""
        request_id = self.send(operation, count, body, parse)
        return self._finish(request_id, timeout_ms)

    def retry(self, request: Request, timeout_ms: Optional[int] = None):
        """Sends a request that was answered busy (or timed out) again, with the same id and
        bytes, and returns what the original call would have."""
        if request.request_id not in self._in_flight:
            self._in_flight[request.request_id] = request
        self._socket.send(request.frame, copy=False)
        return self._finish(request.request_id, timeout_ms)

    def _finish(self, request_id: int, timeout_ms: Optional[int]):
        request = self._in_flight[request_id]
        reply = self.wait(request_id, timeout_ms)
        if reply.status == "busy":
            raise Busy(reply.status, request)
        if not reply.ok:
            raise ServerError(reply.status, request)
        return reply if request.parse is None else request.parse(reply)

    def ping(self, timeout_ms: Optional[int] = None) -> float:
        """A round trip; returns its time in seconds."""
        start = time.monotonic()
        self.call("ping", 0, timeout_ms=timeout_ms)
        return time.monotonic() - start

    def create_accounts(self, accounts: Sequence[Account],
                        timeout_ms: Optional[int] = None) -> List[str]:
        """Creates accounts (at most 8,190); returns one result name per account, in order
        ("ok", "exists", ...: CREATE_ACCOUNT_RESULTS). Answered once durable."""
        body = b"".join(a.encode() for a in accounts)
        return self.call("create_accounts", len(accounts), body,
                         lambda r: [CREATE_ACCOUNT_RESULTS.get(code, f"unknown_{code}")
                                    for code in r.body[:r.count]], timeout_ms)

    def create_transfers(self, transfers: Sequence[Transfer],
                         timeout_ms: Optional[int] = None) -> List[str]:
        """Creates transfers (at most 8,190); returns one result name per transfer, in order
        (CREATE_TRANSFER_RESULTS). Answered once durable."""
        body = b"".join(t.encode() for t in transfers)
        return self.call("create_transfers", len(transfers), body,
                         lambda r: [CREATE_TRANSFER_RESULTS.get(code, f"unknown_{code}")
                                    for code in r.body[:r.count]], timeout_ms)

    def lookup_accounts(self, ids: Iterable[int],
                        timeout_ms: Optional[int] = None) -> List[Account]:
        """The accounts found, in the order asked; absent ids are skipped."""
        ids = list(ids)
        body = b"".join(_u128_bytes(i, "id") for i in ids)
        return self.call("lookup_accounts", len(ids), body,
                         lambda r: decode_records(r.body, Account), timeout_ms)

    def lookup_transfers(self, ids: Iterable[int],
                         timeout_ms: Optional[int] = None) -> List[Transfer]:
        """The transfers found, in the order asked; absent ids are skipped."""
        ids = list(ids)
        body = b"".join(_u128_bytes(i, "id") for i in ids)
        return self.call("lookup_transfers", len(ids), body,
                         lambda r: decode_records(r.body, Transfer), timeout_ms)

    def get_account_transfers(self, account_id: int, limit: int, reversed: bool = False,
                              debits: bool = True, credits: bool = True,
                              timestamp_min: int = 0, timestamp_max: int = 0,
                              timeout_ms: Optional[int] = None) -> List[Transfer]:
        """The account's transfers in timestamp order (newest first when ``reversed``), at
        most ``limit`` (1 to 8,190), within [timestamp_min, timestamp_max] (0: no bound)."""
        if not 1 <= limit <= BATCH_EVENTS_MAX:
            raise ValueError(f"limit {limit} is not within 1 to {BATCH_EVENTS_MAX}")
        body = encode_filter(account_id, limit, reversed, debits, credits, timestamp_min,
                             timestamp_max)
        return self.call("get_account_transfers", 1, body,
                         lambda r: decode_records(r.body, Transfer), timeout_ms)

    def stats(self, timeout_ms: Optional[int] = None) -> Dict[str, int]:
        """The server's counters by name (STATS_COUNTER_NAMES, in the server's order)."""
        def parse(reply: Reply) -> Dict[str, int]:
            values = struct.unpack(f"<{reply.count}Q", reply.body)
            return {(STATS_COUNTER_NAMES[i] if i < len(STATS_COUNTER_NAMES)
                     else f"counter_{i}"): value for i, value in enumerate(values)}
        return self.call("stats", 0, b"", parse, timeout_ms)
