"""Transit queries from Python: a movement, a guarantee and its balance, a guarantee's usage, a
provider's exposure per principal, a country's duty statement (operation transit_query,
docs/protocol.md "Transit queries"). Built on kervan_client; pyzmq as there (Debian's
``python3-zmq``, for ``/usr/bin/python3``).

    import datetime
    import kervan_client, kervan_transit as kt

    with kervan_client.Client("tcp://127.0.0.1:7420", ...) as client:   # keys as there
        answer = kt.query_movement(client, "26KZMRN000000006J1")
        if answer.ok:
            m = answer.value                   # a kt.Movement
            print(m.state, [str(r.amount_concerned) for r in m.references])  # "8350.00 EUR"
        exposure = kt.query_exposure(client, provider=20).value   # a kt.Exposure
        for row in exposure.rows:
            print(row.principal, row.reserved.minor, row.reserved.currency)
        year = kt.day_period_ns(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
        duties = kt.query_duties(client, "KZ", "EUR", *year).value  # a kt.DutyStatement

api/python/example_exposure.py is a whole script for analysts, with paging.

The calls, each one request and its reply (``timeout_ms`` as kervan_client.Client.call):

    query_movement(client, mrn)                               -> Answer of a Movement
    query_guarantee(client, grn)                              -> Answer of a Guarantee
    query_usage(client, grn, from_ns=0, to_ns=0, skip=0)      -> Answer of a Usage
    query_exposure(client, provider, skip=0)                  -> Answer of an Exposure
    query_duties(client, country, currency, from_ns=0, to_ns=0) -> Answer of a DutyStatement
    query(client, q)                                          -> any of them, q a *Query

What comes back:
- ``Answer.result`` is "ok", "not_found" (no movement or guarantee with that reference: said to
  whoever asks) or "period_invalid" (from_ns after to_ns; both 0 means the whole history).
  Only an ok answer has a ``value``; the others have None.
- A reader that may not read the object (ledger/transit/read_access.h: a principal reads its
  own movements and guarantees, a provider its own guarantees and exposure, customs its
  country's movements and duties; operators and analysts read everything) is refused as a
  whole: kervan_client.ServerError with status "forbidden", and nothing of the object is sent.
  Busy, TimeoutError and ProtocolError as for every call of kervan_client.
- Lists (usage, exposure) carry at most QUERY_LIST_ENTRIES_MAX entries: ``total`` says how
  many there are; ask again with ``skip`` for the next page (each page is read from the state
  of its own moment).
- An answer that is not exactly one well-formed answer raises kervan_client.ProtocolError with
  status "answer_invalid", or "reply_mismatch" when it answers another kind of query.

Values: amounts are ``Amount(minor, currency)``, an int of minor units (cents) and the ISO 4217
code ("EUR"; "" only for the zero placeholder of an unused field, e.g. ``Movement.claimed``
before a claim); never floats. Countries are ISO 3166 alpha-2 texts ("" when none), GRNs and
MRNs texts, dates ``datetime.date``, instants ints of nanoseconds since 1970-01-01 UTC (``_ns``;
0 when not yet), party ids ints. Enumerations are names, as the C++ name functions give them
("released", "claim_paid", "comprehensive"); a guarantee type the server knows and this module
does not comes as "unknown_<number>".

``decode_answer(bytes)`` checks exactly what decode_transit_answer (api/transit_query.cc) checks,
no less and no more: known result and kind, states, events and statuses in range, GRNs and MRNs
with their check digits, accepted countries, known currencies, dates within
0001-01-01..9999-12-31, list counts within their limits, and no byte left over (a guarantee type
is not checked there either). ``encode_query`` refuses (ValueError) what the server's
decode_transit_query would refuse, so that a query never travels malformed.

Helpers: ``grn_error(text)`` and ``mrn_error(text)`` say why a reference is invalid, in the C++
words ("bad_check_digit (expected 3)"); ``make_grn`` and ``make_mrn`` compute check digits;
``format_time_ns`` prints an instant as the CLI does; ``day_period_ns(first, last)`` turns UTC
days into the (from_ns, to_ns) of a query.

The byte layout of a query (after its u8 kind; texts are a u8 length and bytes):

    1 movement        MRN
    2 guarantee       GRN
    3 guarantee_usage GRN, u64 from_ns, u64 to_ns, u32 skip
    4 exposure        u64 provider, u32 skip
    5 duty_statement  u16 country, u16 currency, u64 from_ns, u64 to_ns

and of an answer: u8 result, u8 kind, then for an ok answer the records of put_movement,
put_guarantee, ... in api/transit_query.cc, over the field codings of
ledger/transit/value_coding.cc (country u16 (first << 8) | second, 0 when empty; amount i128
minor + u16 ISO 4217 numeric, 0 only with minor 0; date u32 days since 1970-01-01, signed).
"""

from __future__ import annotations

import dataclasses
import datetime
import struct
from typing import Callable, Dict, Optional, Tuple, Union

import kervan_client as kc

__all__ = [
    "Amount", "GoodsLine", "GuaranteeReference", "HistoryEntry", "Movement", "GuaranteeBalance",
    "Guarantee", "UsageEntry", "Usage", "ExposureRow", "Exposure", "DutyStatement", "Answer",
    "MovementQuery", "GuaranteeQuery", "UsageQuery", "ExposureQuery", "DutyQuery",
    "encode_query", "decode_query", "decode_answer", "query", "query_movement",
    "query_guarantee", "query_usage", "query_exposure", "query_duties",
    "grn_error", "mrn_error", "make_grn", "make_mrn", "iso6346_check_digit",
    "format_time_ns", "day_period_ns",
    "QUERY_KINDS", "QUERY_RESULTS", "MOVEMENT_STATES", "MOVEMENT_EVENTS", "GUARANTEE_STATUSES",
    "GUARANTEE_TYPES", "CURRENCIES", "CURRENCY_NUMBERS", "COUNTRIES", "QUERY_LIST_ENTRIES_MAX",
    "WHOLE_MOVEMENT",
]

# --------------------------------------------------------------------------------------------
# Numbers copied from the C++ sources; a test checks each copy. DO NOT CHANGE: the wire format.

# QueryKind and QueryResult of api/transit_query.h.
QUERY_KINDS: Dict[int, str] = {1: "movement", 2: "guarantee", 3: "guarantee_usage",
                               4: "exposure", 5: "duty_statement", 6: "cover", 7: "events",
                               8: "reference_versions"}
REFERENCE_VERSIONS_MAX = 64  # reference_versions_max of ledger/transit/reference_versions.h.
EVENTS_ENTRIES_MAX = 1024  # events_entries_max of api/transit_query.h.
QUERY_RESULTS: Dict[int, str] = {0: "ok", 1: "not_found", 2: "period_invalid", 3: "refused"}
TRANSIT_RESULT_MAX = 44  # transit_result_max of ledger/transit/transit_results.h.
QUERY_LIST_ENTRIES_MAX = 1024

# MovementState, MovementEvent, GuaranteeStatus, GuaranteeType of ledger/transit/transit_types.h,
# as far as decode_transit_answer takes them: MovementState archived (10) is a free slot, never
# in an answer, and refused by the C++ decoder as by this one.
MOVEMENT_STATES: Dict[int, str] = {
    1: "declared", 2: "released", 3: "arrived", 4: "written_off", 5: "cancelled",
    6: "incident", 7: "enquiry", 8: "claimed", 9: "claim_paid"}
# How a declaration's amounts were set (DeclaredAmounts, ledger/transit/transit_types.h).
DECLARED_AMOUNTS: Dict[int, str] = {0: "given", 1: "expected", 2: "computed"}
MOVEMENT_EVENTS: Dict[int, str] = {
    1: "declared", 2: "released", 3: "crossed", 4: "arrived", 5: "written_off",
    6: "cancelled", 7: "incident", 8: "enquiry", 9: "claimed", 10: "claim_paid"}
GUARANTEE_STATUSES: Dict[int, str] = {1: "active", 2: "suspended", 3: "revoked",
                                      4: "cancelled"}
GUARANTEE_TYPES: Dict[int, str] = {
    0: "waiver", 1: "comprehensive", 2: "individual_guarantor", 3: "individual_cash",
    4: "voucher", 11: "tir_chain"}

# Limits of ledger/transit/transit_types.h.
ITINERARY_MAX = 16
GOODS_ITEMS_MAX = 64
GUARANTEE_REFERENCES_MAX = 9
MOVEMENT_HISTORY_MAX = 32
GUARANTEE_COUNTRIES_MAX = 16
SENSITIVE_HEADINGS_MAX = 8
ACCESS_CODES_MAX = 4  # Hashes a guarantee stores (never sent: answers carry 0).
ACCESS_CODE_HASH_BYTES = 128  # password_hash_bytes of core/password_hash.h.
WHOLE_MOVEMENT = 0xFF  # GuaranteeReference.leg of a reference that covers every leg.

# ISO 4217 numeric code -> (alphabetic code, minor-unit digits): the table of core/currency.cc.
CURRENCIES: Dict[int, Tuple[str, int]] = {
    51: ("AMD", 2), 156: ("CNY", 2), 203: ("CZK", 2), 348: ("HUF", 2), 356: ("INR", 2),
    364: ("IRR", 2), 368: ("IQD", 3), 392: ("JPY", 0), 398: ("KZT", 2), 410: ("KRW", 0),
    414: ("KWD", 3), 417: ("KGS", 2), 496: ("MNT", 2), 498: ("MDL", 2), 586: ("PKR", 2),
    643: ("RUB", 2), 756: ("CHF", 2), 826: ("GBP", 2), 840: ("USD", 2), 860: ("UZS", 2),
    933: ("BYN", 2), 934: ("TMT", 2), 941: ("RSD", 2), 944: ("AZN", 2), 946: ("RON", 2),
    949: ("TRY", 2), 971: ("AFN", 2), 972: ("TJS", 2), 978: ("EUR", 2), 980: ("UAH", 2),
    981: ("GEL", 2), 985: ("PLN", 2)}
CURRENCY_NUMBERS: Dict[str, int] = {code: n for n, (code, _) in CURRENCIES.items()}

# The countries core/country.h accepts: ISO 3166-1's 249 assigned codes, then XI and XK.
_ISO_ASSIGNED_TEXT = (
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ "
    "BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ "
    "CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ "
    "DE DJ DK DM DO DZ "
    "EC EE EG EH ER ES ET "
    "FI FJ FK FM FO FR "
    "GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY "
    "HK HM HN HR HT HU "
    "ID IE IL IM IN IO IQ IR IS IT "
    "JE JM JO JP "
    "KE KG KH KI KM KN KP KR KW KY KZ "
    "LA LB LC LI LK LR LS LT LU LV LY "
    "MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ "
    "NA NC NE NF NG NI NL NO NP NR NU NZ "
    "OM "
    "PA PE PF PG PH PK PL PM PN PR PS PT PW PY "
    "QA "
    "RE RO RS RU RW "
    "SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ "
    "TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ "
    "UA UG UM US UY UZ "
    "VA VC VE VG VI VN VU "
    "WF WS "
    "YE YT "
    "ZA ZM ZW ")
_USER_ASSIGNED_ACCEPTED_TEXT = "XI XK "
COUNTRIES = frozenset((_ISO_ASSIGNED_TEXT + _USER_ASSIGNED_ACCEPTED_TEXT).split())
assert len(COUNTRIES) == 249 + 2

# Date of core/time.h: 0001-01-01 to 9999-12-31, as days since 1970-01-01.
_EPOCH_ORDINAL = datetime.date(1970, 1, 1).toordinal()
DATE_DAYS_MIN = datetime.date.min.toordinal() - _EPOCH_ORDINAL  # -719162
DATE_DAYS_MAX = datetime.date.max.toordinal() - _EPOCH_ORDINAL  # 2932896
NS_PER_DAY = 86_400 * 10**9
U64_MAX = (1 << 64) - 1
U32_MAX = (1 << 32) - 1

# --------------------------------------------------------------------------------------------
# Values.


@dataclasses.dataclass(frozen=True)
class Amount:
    """Money: ``minor`` units (an int, any i128) of ``currency`` (ISO 4217 code). The zero
    placeholder of an unused field has currency ""."""
    minor: int
    currency: str

    @property
    def text(self) -> str:
        """The decimal text without the code, as format_amount: "1250.00", "-0.05", "7"."""
        exponent = CURRENCIES[CURRENCY_NUMBERS[self.currency]][1] if self.currency else 0
        digits = str(abs(self.minor))
        if exponent > 0:
            digits = digits.rjust(exponent + 1, "0")
            digits = digits[:-exponent] + "." + digits[-exponent:]
        return ("-" if self.minor < 0 else "") + digits

    def __str__(self) -> str:
        """"1250.00 EUR", as the command-line client prints money; "0" for the placeholder."""
        return f"{self.text} {self.currency}" if self.currency else self.text


@dataclasses.dataclass(frozen=True)
class GoodsLine:
    hs6: int  # Six-digit HS code; 0 when it cannot be classified.
    value: Amount  # Customs value.


@dataclasses.dataclass(frozen=True)
class GuaranteeReference:
    grn: str
    amount_concerned: Amount  # In the guarantee's currency.
    access_code_valid: bool  # Set by the server, which checked the declaration's code.
    leg: int  # The itinerary position it secures (national scheme), or WHOLE_MOVEMENT.


@dataclasses.dataclass(frozen=True)
class HistoryEntry:
    event: str  # MOVEMENT_EVENTS.
    country: str  # Where it happened.
    party: int  # Who acted.
    at_ns: int


@dataclasses.dataclass(frozen=True)
class Movement:
    """A movement: its declaration (amounts as computed when declared), state and history."""
    mrn: str
    principal: int
    itinerary: Tuple[str, ...]  # Departure first, destination last.
    duties: Tuple[Amount, ...]  # What each itinerary country would be owed (base currency).
    goods: Tuple[GoodsLine, ...]
    time_limit_ns: int  # Presentation at destination due by then.
    references: Tuple[GuaranteeReference, ...]
    amounts: str  # DECLARED_AMOUNTS: how duties and amounts concerned were set.
    reference_version: int  # The reference data version they were computed with; 0 if given.
    state: str  # MOVEMENT_STATES.
    declared_ns: int
    released_ns: int  # Lock of the cover; 0 before release.
    arrived_ns: int  # 0 before arrival.
    crossings: int  # Borders crossed.
    discharged_references: int  # Bit i: reference i's leg was left, its cover released.
    duties_released: int  # Itinerary positions, from the first, no longer suspended.
    claim_country: str
    claimed: Amount  # Claimed by claim_country (placeholder before a claim).
    drawn: Amount  # Of it, drawn from cover; the rest is uncovered duty.
    paid_references: int  # Bit i: the draw on reference i has been paid.
    claimed_ns: int
    history: Tuple[HistoryEntry, ...]

    def discharged(self, reference: int) -> bool:
        return bool(self.discharged_references >> reference & 1)

    def paid(self, reference: int) -> bool:
        return bool(self.paid_references >> reference & 1)


@dataclasses.dataclass(frozen=True)
class GuaranteeBalance:
    amount: Amount  # Reference amount x reduction level.
    reserved: Amount  # Locked by released movements.
    drawn: Amount  # Drawn by claims.
    available: Amount  # amount - reserved - drawn (waivers: not limited).
    open_movements: int


@dataclasses.dataclass(frozen=True)
class Guarantee:
    """A guarantee's terms, status and balance (its access-code hashes never leave the server:
    ``access_code_hashes`` is empty in every answer)."""
    grn: str
    type: str  # GUARANTEE_TYPES, or "unknown_<number>".
    provider: int
    principal: int
    reference_amount: Amount  # Its currency is the guarantee's currency.
    reduction_percent: int  # 100, 50, 30 or 0.
    valid_from: datetime.date
    valid_to: datetime.date  # Inclusive.
    countries: Tuple[str, ...]  # Empty: valid in every country.
    sensitive_headings: Tuple[int, ...]  # HS headings (4 digits) it does not cover.
    access_code_hashes: Tuple[bytes, ...]
    status: str  # GUARANTEE_STATUSES.
    liability_liberation: datetime.date  # Set when cancelled.
    used: bool  # Single-use types: locked by a movement once.
    amendments: int
    balance: GuaranteeBalance


@dataclasses.dataclass(frozen=True)
class UsageEntry:
    """One movement that locked a guarantee's cover (NCTS CC037C USAGE)."""
    mrn: str
    covered: Amount  # Amount concerned locked on the guarantee.
    lock_ns: int  # Release of the movement.
    release_ns: int  # Arrival or claim; 0 while locked.
    state: str  # MOVEMENT_STATES.


@dataclasses.dataclass(frozen=True)
class Usage:
    total: int  # Uses in the period, of which ``entries`` start at the query's skip.
    entries: Tuple[UsageEntry, ...]


@dataclasses.dataclass(frozen=True)
class ExposureRow:
    """A provider's cover in use for one principal, in one currency."""
    principal: int
    currency: str  # Of ``reserved``.
    reserved: Amount
    drawn: Amount
    open_movements: int
    guarantees: int


@dataclasses.dataclass(frozen=True)
class Exposure:
    provider: int
    total: int  # Rows in all, of which ``rows`` start at the query's skip; principal order.
    rows: Tuple[ExposureRow, ...]


@dataclasses.dataclass(frozen=True)
class DutyStatement:
    """A country's duties in one currency over [from_ns, to_ns] (0, 0: all time)."""
    country: str
    currency: str
    from_ns: int
    to_ns: int
    suspended_now: Amount  # Under guarantee now, whatever the period.
    claimed: Amount  # Claims raised in the period...
    drawn: Amount  # ...of which drawn from cover...
    uncovered: Amount  # ...and claimed beyond the cover.
    collected: Amount  # Payments completed in the period.
    claims: int


@dataclasses.dataclass(frozen=True)
class Cover:
    """What the server would record for a declaration now: its amounts, computed."""
    mrn: str
    principal: int
    itinerary: Tuple[str, ...]
    duties: Tuple[Amount, ...]  # What each itinerary country would be owed (base currency).
    goods: Tuple[GoodsLine, ...]
    time_limit_ns: int
    references: Tuple[GuaranteeReference, ...]  # amount_concerned: the amount to be covered.
    amounts: str
    reference_version: int


@dataclasses.dataclass(frozen=True)
class ReferenceVersion:
    id: int  # 1, 2, ... in loading order.
    content_hash: str  # BLAKE2b-256 of the text loaded, in hexadecimal.
    effective_from: datetime.date
    loaded_ns: int
    superseded_by: int  # The version that replaced it from its date on; 0: none.


@dataclasses.dataclass(frozen=True)
class JournaledStep:
    sequence: int
    at_ns: int
    command: bytes  # The command as journaled (docs/storage_format.md); not decoded here.


@dataclasses.dataclass(frozen=True)
class Events:
    next_from: int  # Where to read on: every step before it has been read.
    durable_last: int  # The last durable journal sequence when answered.
    steps: Tuple[JournaledStep, ...]


AnswerValue = Union[Movement, Guarantee, Usage, Exposure, DutyStatement, Cover, Events,
                    Tuple[ReferenceVersion, ...], int, None]


@dataclasses.dataclass(frozen=True)
class Answer:
    """``kind``: QUERY_KINDS; ``result``: QUERY_RESULTS. ``value`` (ok answers only): a
    Movement, Guarantee, Usage, Exposure or DutyStatement after the kind; else None."""
    kind: str
    result: str
    value: AnswerValue = None

    @property
    def ok(self) -> bool:
        return self.result == "ok"


# --------------------------------------------------------------------------------------------
# Queries.


@dataclasses.dataclass(frozen=True)
class MovementQuery:
    mrn: str


@dataclasses.dataclass(frozen=True)
class GuaranteeQuery:
    grn: str


@dataclasses.dataclass(frozen=True)
class UsageQuery:
    grn: str
    from_ns: int = 0  # Uses locked within [from_ns, to_ns]; both 0: all.
    to_ns: int = 0
    skip: int = 0


@dataclasses.dataclass(frozen=True)
class ExposureQuery:
    provider: int
    skip: int = 0


@dataclasses.dataclass(frozen=True)
class DutyQuery:
    country: str
    currency: str  # ISO 4217 code, e.g. "EUR".
    from_ns: int = 0  # Claims and payments within [from_ns, to_ns]; both 0: all.
    to_ns: int = 0


@dataclasses.dataclass(frozen=True)
class CoverQuery:
    """What the server would compute for a declaration now, locking nothing: `declaration` is
    its coding (put(ByteWriter&, const Declaration&) of value_coding.cc; amounts expected)."""
    declaration: bytes


@dataclasses.dataclass(frozen=True)
class EventsQuery:
    """The steps from journal sequence `from_sequence` on that the reader may read, at most
    `limit` (1..EVENTS_ENTRIES_MAX): catching up with a subscription."""
    from_sequence: int
    limit: int = EVENTS_ENTRIES_MAX


@dataclasses.dataclass(frozen=True)
class ReferenceVersionsQuery:
    """The versions of reference data the server holds: ids, content hashes, dates."""


Query = Union[MovementQuery, GuaranteeQuery, UsageQuery, ExposureQuery, DutyQuery, CoverQuery,
              EventsQuery, ReferenceVersionsQuery]
_KIND_OF_QUERY = {MovementQuery: 1, GuaranteeQuery: 2, UsageQuery: 3, ExposureQuery: 4,
                  DutyQuery: 5, CoverQuery: 6, EventsQuery: 7, ReferenceVersionsQuery: 8}

# --------------------------------------------------------------------------------------------
# Reference numbers (core/reference_number.h, docs/identifiers.md): checked before a query is
# sent and when an answer is read.

_GRN_PATTERN = "dduuxxxxxxxxxxxxdudddddd"  # 17 characters, or 24 with a voucher.
_MRN_PATTERN = "dduuxxxxxxxxxxxxud"
_GRN_CHECK_INDEX = 16
_MRN_CHECK_INDEX = 17
_MRN_YEAR_MIN = 24


def _iso6346_value(c: str) -> int:
    if "0" <= c <= "9":
        return ord(c) - ord("0")
    value = 10 + ord(c) - ord("A")
    return value + (value - 1) // 10  # Skip 11, 22, 33: A=10, B=12, K=21, L=23, V=34, Z=38.


def iso6346_check_digit(text: str) -> int:
    """The check digit of ``text`` (digits and A-Z): sum of value * 2^i, mod 11, mod 10."""
    return sum(_iso6346_value(c) << i for i, c in enumerate(text)) % 11 % 10


def _in_class(c: str, character_class: str) -> bool:
    digit = "0" <= c <= "9"
    upper = "A" <= c <= "Z"
    return {"d": digit, "u": upper, "x": digit or upper}[character_class]


def _reference_error(text: str, pattern: str, check_index: int, mrn: bool) -> str:
    bad = next((i for i, c in enumerate(text) if not _in_class(c, pattern[i])), None)
    if bad is not None:
        return f"bad_character_at {bad}"
    if mrn and int(text[:2]) < _MRN_YEAR_MIN:
        return "bad_year"
    if text[2:4] not in COUNTRIES:
        return "unknown_country"
    if mrn and text[16] not in "JKLM":
        return "bad_procedure_letter"
    expected = iso6346_check_digit(text[:check_index])
    if int(text[check_index]) != expected:
        return f"bad_check_digit (expected {expected})"
    return "ok"


def grn_error(text: str) -> str:
    """"ok" for a valid GRN, else why not, as the C++ to_string(ReferenceStatus) says it:
    "wrong_length", "bad_character_at 5", "unknown_country", "bad_check_digit (expected 3)"."""
    if len(text) not in (17, 24):
        return "wrong_length"
    return _reference_error(text, _GRN_PATTERN, _GRN_CHECK_INDEX, mrn=False)


def mrn_error(text: str) -> str:
    """As grn_error, for a phase 5 MRN (also "bad_year", "bad_procedure_letter")."""
    if len(text) != 18:
        return "wrong_length"
    return _reference_error(text, _MRN_PATTERN, _MRN_CHECK_INDEX, mrn=True)


def make_grn(year_yy: int, country: str, serial: str, voucher: str = "") -> str:
    """A valid GRN with its check digit, e.g. make_grn(26, "KZ", "000000000001")."""
    head = f"{year_yy:02d}{country}{serial}"
    text = head + str(iso6346_check_digit(head)) + voucher
    if grn_error(text) != "ok":
        raise ValueError(f"GRN {text!r}: {grn_error(text)}")
    return text


def make_mrn(year_yy: int, country: str, serial: str, procedure: str = "J") -> str:
    """A valid MRN with its check digit, e.g. make_mrn(26, "KZ", "MRN000000001")."""
    head = f"{year_yy:02d}{country}{serial}{procedure}"
    text = head + str(iso6346_check_digit(head))
    if mrn_error(text) != "ok":
        raise ValueError(f"MRN {text!r}: {mrn_error(text)}")
    return text


# --------------------------------------------------------------------------------------------
# Time.


def format_time_ns(at_ns: int) -> str:
    """RFC 3339 with nine fraction digits, as the server and CLI print instants:
    "2026-11-22T12:15:26.606451916Z"."""
    seconds, fraction = divmod(at_ns, 10**9)
    moment = datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=seconds)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{fraction:09d}Z"


def day_period_ns(first: datetime.date, last: datetime.date) -> Tuple[int, int]:
    """(from_ns, to_ns) from the start of ``first`` to the end of ``last`` (UTC, inclusive),
    as the CLI's FROM TO dates."""
    start = (first.toordinal() - _EPOCH_ORDINAL) * NS_PER_DAY
    end = (last.toordinal() + 1 - _EPOCH_ORDINAL) * NS_PER_DAY - 1
    if start < 0 or end > U64_MAX:
        raise ValueError(f"{first}..{last} is outside 1970-01-01..2554-07-21")
    return start, end


# --------------------------------------------------------------------------------------------
# Field codings (ledger/transit/value_coding.cc).


def _answer_invalid(detail: str) -> kc.ProtocolError:
    return kc.ProtocolError("answer_invalid", detail)


class _Reader:
    """Little-endian reads that raise answer_invalid (query_invalid for queries) at the first
    read past the end, naming the offset."""

    def __init__(self, data: bytes, what: str = "answer"):
        self.data = bytes(data)
        self.at = 0
        self.what = what

    def fail(self, detail: str) -> Exception:
        message = f"{detail} (at byte {self.at} of {len(self.data)})"
        if self.what == "query":
            return ValueError(f"not a query: {message}")
        return _answer_invalid(message)

    def take(self, n: int) -> bytes:
        if n > len(self.data) - self.at:
            raise self.fail(f"{n} bytes needed")
        self.at += n
        return self.data[self.at - n:self.at]

    def unpack(self, fmt: str):
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt)))

    def u8(self) -> int:
        return self.take(1)[0]

    def u16(self) -> int:
        return self.unpack("H")[0]

    def u32(self) -> int:
        return self.unpack("I")[0]

    def u64(self) -> int:
        return self.unpack("Q")[0]

    def i128(self) -> int:
        return int.from_bytes(self.take(16), "little", signed=True)

    def text(self) -> str:
        return self.take(self.u8()).decode("latin-1")

    def done(self) -> None:
        if self.at != len(self.data):
            raise self.fail(f"{len(self.data) - self.at} bytes left over")

    # Fields, each checked as its C++ get() checks it.

    def country(self) -> str:
        code = self.u16()
        if code == 0:
            return ""
        text = chr(code >> 8) + chr(code & 0xFF)
        if text not in COUNTRIES:
            raise self.fail(f"country code 0x{code:04x} is not an accepted country")
        return text

    def grn(self) -> str:
        text = self.text()
        if text and grn_error(text) != "ok":
            raise self.fail(f"GRN {text!r}: {grn_error(text)}")
        return text

    def mrn(self) -> str:
        text = self.text()
        if text and mrn_error(text) != "ok":
            raise self.fail(f"MRN {text!r}: {mrn_error(text)}")
        return text

    def currency(self) -> str:
        numeric = self.u16()
        if numeric not in CURRENCIES:
            raise self.fail(f"currency {numeric} is not a known ISO 4217 number")
        return CURRENCIES[numeric][0]

    def amount(self) -> Amount:
        minor = self.i128()
        numeric = self.u16()
        if numeric == 0:
            if minor != 0:
                raise self.fail(f"an amount of {minor} without a currency")
            return Amount(0, "")
        if numeric not in CURRENCIES:
            raise self.fail(f"currency {numeric} is not a known ISO 4217 number")
        return Amount(minor, CURRENCIES[numeric][0])

    def date(self) -> datetime.date:
        days = self.unpack("i")[0]
        if not DATE_DAYS_MIN <= days <= DATE_DAYS_MAX:
            raise self.fail(f"day {days} is outside 0001-01-01..9999-12-31")
        return datetime.date.fromordinal(days + _EPOCH_ORDINAL)

    def count(self, what: str, limit: int) -> int:
        n = self.u8()
        if n > limit:
            raise self.fail(f"{n} {what} pass {limit}")
        return n

    def enum(self, what: str, names: Dict[int, str]) -> str:
        number = self.u8()
        if number not in names:
            raise self.fail(f"{what} {number} is not known")
        return names[number]


def _put_text(text: str) -> bytes:
    raw = text.encode("ascii")
    return bytes([len(raw)]) + raw


def _put_country(country: str) -> bytes:
    return struct.pack("<H", ord(country[0]) << 8 | ord(country[1]))


# --------------------------------------------------------------------------------------------
# Queries: encode_query and decode_query (encode_transit_query / decode_transit_query).


def _checked_reference(text: str, error: Callable[[str], str]) -> str:
    why = error(text) if isinstance(text, str) else "not a text"
    if why != "ok":
        raise ValueError(f"{text!r} is not a valid reference: {why}")
    return text


def _checked_int(value: int, maximum: int, what: str) -> int:
    if not isinstance(value, int) or not 0 <= value <= maximum:
        raise ValueError(f"{what} = {value!r} is not within 0 to {maximum}")
    return value


def encode_query(q: Query) -> bytes:
    """The bytes of one query (the L bytes of a transit_query body). Raises ValueError for what
    the server would refuse as command_invalid: an invalid MRN or GRN, a country core/country.h
    does not accept, an unknown currency, a number out of its field's range."""
    kind = _KIND_OF_QUERY.get(type(q))
    if kind is None:
        raise TypeError(f"{q!r} is not a query (MovementQuery, ..., DutyQuery)")
    out = bytes([kind])
    if isinstance(q, MovementQuery):
        return out + _put_text(_checked_reference(q.mrn, mrn_error))
    if isinstance(q, GuaranteeQuery):
        return out + _put_text(_checked_reference(q.grn, grn_error))
    if isinstance(q, UsageQuery):
        return out + _put_text(_checked_reference(q.grn, grn_error)) + struct.pack(
            "<QQI", _checked_int(q.from_ns, U64_MAX, "from_ns"),
            _checked_int(q.to_ns, U64_MAX, "to_ns"), _checked_int(q.skip, U32_MAX, "skip"))
    if isinstance(q, ExposureQuery):
        return out + struct.pack("<QI", _checked_int(q.provider, U64_MAX, "provider"),
                                 _checked_int(q.skip, U32_MAX, "skip"))
    if isinstance(q, CoverQuery):
        return out + bytes(q.declaration)
    if isinstance(q, ReferenceVersionsQuery):
        return out
    if isinstance(q, EventsQuery):
        if not 1 <= q.from_sequence <= U64_MAX or not 1 <= q.limit <= EVENTS_ENTRIES_MAX:
            raise ValueError(f"{q!r}: from_sequence from 1, limit 1..{EVENTS_ENTRIES_MAX}")
        return out + struct.pack("<QI", q.from_sequence, q.limit)
    if q.country not in COUNTRIES:
        raise ValueError(f"country {q.country!r} is not an accepted ISO 3166 alpha-2 code")
    if q.currency not in CURRENCY_NUMBERS:
        raise ValueError(f"currency {q.currency!r} is not a supported ISO 4217 code")
    return out + _put_country(q.country) + struct.pack(
        "<HQQ", CURRENCY_NUMBERS[q.currency], _checked_int(q.from_ns, U64_MAX, "from_ns"),
        _checked_int(q.to_ns, U64_MAX, "to_ns"))


def decode_query(data: bytes) -> Query:
    """The query of exactly one well-formed query's bytes (the server's side; for tests and
    fake servers); ValueError otherwise, as decode_transit_query refuses."""
    r = _Reader(data, "query")
    kind = r.u8()
    if kind not in QUERY_KINDS:
        raise r.fail(f"query kind {kind} is not known")
    q: Query
    if kind in (1, 2, 3):
        text = r.mrn() if kind == 1 else r.grn()
        if not text:
            raise r.fail("an empty reference")
        if kind == 1:
            q = MovementQuery(text)
        elif kind == 2:
            q = GuaranteeQuery(text)
        else:
            from_ns, to_ns, skip = r.unpack("QQI")
            q = UsageQuery(text, from_ns, to_ns, skip)
    elif kind == 4:
        q = ExposureQuery(*r.unpack("QI"))
    elif kind == 8:
        q = ReferenceVersionsQuery()
    elif kind == 7:
        from_sequence, limit = r.unpack("QI")
        if from_sequence == 0 or not 1 <= limit <= EVENTS_ENTRIES_MAX:
            raise r.fail(f"events from {from_sequence}, limit {limit}")
        q = EventsQuery(from_sequence, limit)
    elif kind == 6:
        start = r.at
        declaration = _get_declaration(r)
        if declaration["amounts"] != "expected":
            raise r.fail("a cover query's amounts are expected")
        q = CoverQuery(bytes(data[start:r.at]))
    else:
        country = r.country()
        if not country:
            raise r.fail("an empty country")
        currency = r.currency()
        q = DutyQuery(country, currency, *r.unpack("QQ"))
    r.done()
    return q


# --------------------------------------------------------------------------------------------
# Answers: decode_answer (decode_transit_answer and the get_* of api/transit_query.cc).


def _get_declaration(r: _Reader) -> dict:
    """The fields of a Declaration record (get(ByteReader&, Declaration*))."""
    mrn = r.mrn()
    principal = r.u64()
    itinerary, duties = [], []
    for _ in range(r.count("itinerary countries", ITINERARY_MAX)):
        itinerary.append(r.country())
        duties.append(r.amount())
    goods = [GoodsLine(r.u32(), r.amount())
             for _ in range(r.count("goods items", GOODS_ITEMS_MAX))]
    time_limit_ns = r.u64()
    references = []
    for _ in range(r.count("guarantee references", GUARANTEE_REFERENCES_MAX)):
        grn, amount, valid = r.grn(), r.amount(), r.u8()
        if valid > 1:
            raise r.fail(f"access_code_valid {valid} is not 0 or 1")
        references.append(GuaranteeReference(grn, amount, valid == 1, r.u8()))
    amounts = r.enum("declared amounts", DECLARED_AMOUNTS)
    reference_version = r.u32()
    if (amounts == "computed") != (reference_version != 0):
        raise r.fail(f"amounts {amounts} with reference version {reference_version}")
    return dict(mrn=mrn, principal=principal, itinerary=tuple(itinerary), duties=tuple(duties),
                goods=tuple(goods), time_limit_ns=time_limit_ns, references=tuple(references),
                amounts=amounts, reference_version=reference_version)


def _get_movement(r: _Reader) -> Movement:
    declaration = _get_declaration(r)
    state = r.enum("movement state", MOVEMENT_STATES)
    declared_ns, released_ns, arrived_ns = r.unpack("QQQ")
    crossings, discharged, duties_released = r.unpack("BHB")
    claim_country, claimed, drawn = r.country(), r.amount(), r.amount()
    paid, claimed_ns = r.unpack("HQ")
    history = []
    for _ in range(r.count("history entries", MOVEMENT_HISTORY_MAX)):
        event = r.enum("movement event", MOVEMENT_EVENTS)
        country = r.country()
        party, at_ns = r.unpack("QQ")
        history.append(HistoryEntry(event, country, party, at_ns))
    return Movement(**declaration, state=state, declared_ns=declared_ns,
                    released_ns=released_ns, arrived_ns=arrived_ns, crossings=crossings,
                    discharged_references=discharged, duties_released=duties_released,
                    claim_country=claim_country, claimed=claimed, drawn=drawn,
                    paid_references=paid, claimed_ns=claimed_ns, history=tuple(history))


def _get_guarantee(r: _Reader) -> Guarantee:
    grn = r.grn()
    type_number = r.u8()  # Not checked by the C++ decoder either: any number reads.
    provider, principal = r.unpack("QQ")
    reference_amount = r.amount()
    reduction_percent = r.u8()
    valid_from, valid_to = r.date(), r.date()
    countries = tuple(r.country()
                      for _ in range(r.count("countries", GUARANTEE_COUNTRIES_MAX)))
    sensitive = tuple(r.u32()
                      for _ in range(r.count("sensitive headings", SENSITIVE_HEADINGS_MAX)))
    hashes = tuple(r.take(ACCESS_CODE_HASH_BYTES)
                   for _ in range(r.count("access-code hashes", ACCESS_CODES_MAX)))
    status = r.enum("guarantee status", GUARANTEE_STATUSES)
    liability_liberation = r.date()
    used = r.u8()
    if used > 1:
        raise r.fail(f"used {used} is not 0 or 1")
    amendments = r.u32()
    balance = GuaranteeBalance(r.amount(), r.amount(), r.amount(), r.amount(), r.u32())
    return Guarantee(grn=grn, type=GUARANTEE_TYPES.get(type_number, f"unknown_{type_number}"),
                     provider=provider, principal=principal, reference_amount=reference_amount,
                     reduction_percent=reduction_percent, valid_from=valid_from,
                     valid_to=valid_to, countries=countries, sensitive_headings=sensitive,
                     access_code_hashes=hashes, status=status,
                     liability_liberation=liability_liberation, used=used == 1,
                     amendments=amendments, balance=balance)


def _get_page(r: _Reader, get_one) -> Tuple[int, tuple]:
    """u32 total, u32 n, n entries: n within QUERY_LIST_ENTRIES_MAX and total."""
    total, n = r.unpack("II")
    if n > QUERY_LIST_ENTRIES_MAX or n > total:
        raise r.fail(f"{n} entries of {total} (at most {QUERY_LIST_ENTRIES_MAX} a page)")
    return total, tuple(get_one(r) for _ in range(n))


def _get_usage_entry(r: _Reader) -> UsageEntry:
    mrn, covered = r.mrn(), r.amount()
    lock_ns, release_ns = r.unpack("QQ")
    return UsageEntry(mrn, covered, lock_ns, release_ns, r.enum("movement state",
                                                                MOVEMENT_STATES))


def _get_exposure_row(r: _Reader) -> ExposureRow:
    principal = r.u64()
    reserved, drawn = r.amount(), r.amount()
    open_movements, guarantees = r.unpack("II")
    return ExposureRow(principal, reserved.currency, reserved, drawn, open_movements,
                       guarantees)


def _get_duties(r: _Reader) -> DutyStatement:
    from_ns, to_ns = r.unpack("QQ")
    country, currency = r.country(), r.currency()
    amounts = [r.amount() for _ in range(5)]
    return DutyStatement(country, currency, from_ns, to_ns, *amounts, claims=r.u32())


def decode_answer(data: bytes) -> Answer:
    """The answer of exactly one well-formed answer's bytes (the L bytes of a transit_query
    reply); raises kervan_client.ProtocolError("answer_invalid") for anything
    decode_transit_answer refuses, naming the first defect and its offset."""
    r = _Reader(data)
    result = r.enum("query result", QUERY_RESULTS)
    kind = r.enum("query kind", QUERY_KINDS)
    value: AnswerValue = None
    if result == "ok":
        if kind == "movement":
            value = _get_movement(r)
        elif kind == "guarantee":
            value = _get_guarantee(r)
        elif kind == "guarantee_usage":
            value = Usage(*_get_page(r, _get_usage_entry))
        elif kind == "exposure":
            provider = r.u64()
            value = Exposure(provider, *_get_page(r, _get_exposure_row))
        elif kind == "reference_versions":
            versions = []
            count = r.u32()
            if count > REFERENCE_VERSIONS_MAX:
                raise r.fail(f"{count} reference versions pass {REFERENCE_VERSIONS_MAX}")
            for i in range(count):
                version_id = r.u32()
                content_hash = r.take(32)
                effective_from = r.date()
                loaded_ns, superseded_by = r.unpack("QI")
                if version_id != i + 1 or superseded_by > count:
                    raise r.fail(f"version {version_id} at {i}, superseded by {superseded_by}")
                versions.append(ReferenceVersion(version_id, content_hash.hex(), effective_from,
                                                 loaded_ns, superseded_by))
            value = tuple(versions)
        elif kind == "events":
            next_from, durable_last = r.unpack("QQ")
            steps = []
            count = r.u32()
            if count > EVENTS_ENTRIES_MAX:
                raise r.fail(f"{count} steps pass {EVENTS_ENTRIES_MAX}")
            for _ in range(count):
                sequence, at_ns = r.unpack("QQ")
                if sequence == 0:
                    raise r.fail("a step of sequence 0")
                steps.append(JournaledStep(sequence, at_ns, r.take(r.u32())))
            value = Events(next_from, durable_last, tuple(steps))
        elif kind == "cover":
            value = Cover(**_get_declaration(r))
            if value.amounts != "computed":
                raise r.fail("a cover answer's amounts are computed")
        else:
            value = _get_duties(r)
    elif result == "refused":
        refusal = r.u8()
        if kind != "cover" or refusal == 0 or refusal > TRANSIT_RESULT_MAX:
            raise r.fail(f"refusal {refusal} of a {kind} answer")
        value = refusal
    r.done()
    return Answer(kind, result, value)


# --------------------------------------------------------------------------------------------
# Calls.


def query(client: kc.Client, q: Query, timeout_ms: Optional[int] = None) -> Answer:
    """Sends one query and waits for its answer. Raises ServerError (status "forbidden" when
    this reader may not read the object), Busy, ProtocolError ("answer_invalid",
    "reply_mismatch"), TimeoutError, or ValueError for a query that would not decode."""
    payload = encode_query(q)
    kind = QUERY_KINDS[payload[0]]
    body = kc.encode_transit_body(payload)

    def parse(reply: kc.Reply) -> Answer:
        payload, _, _ = kc.transit_body_parts(reply.body)
        answer = decode_answer(payload)
        if answer.kind != kind:
            raise kc.ProtocolError("reply_mismatch", f"a {answer.kind} answer to a {kind} "
                                   f"query (request {reply.request_id})")
        return answer

    return client.call("transit_query", 1, body, parse, timeout_ms)


def query_movement(client: kc.Client, mrn: str, timeout_ms: Optional[int] = None) -> Answer:
    """A movement's declaration, state, amounts and history: value a Movement."""
    return query(client, MovementQuery(mrn), timeout_ms)


def query_guarantee(client: kc.Client, grn: str, timeout_ms: Optional[int] = None) -> Answer:
    """A guarantee's terms, status and balance: value a Guarantee."""
    return query(client, GuaranteeQuery(grn), timeout_ms)


def query_usage(client: kc.Client, grn: str, from_ns: int = 0, to_ns: int = 0, skip: int = 0,
                timeout_ms: Optional[int] = None) -> Answer:
    """The movements that locked a guarantee's cover within [from_ns, to_ns] (0, 0: all), in
    lock order, from ``skip``: value a Usage; "period_invalid" when from_ns > to_ns."""
    return query(client, UsageQuery(grn, from_ns, to_ns, skip), timeout_ms)


def query_exposure(client: kc.Client, provider: int, skip: int = 0,
                   timeout_ms: Optional[int] = None) -> Answer:
    """A provider's cover in use per principal and currency, in principal order, from
    ``skip``: value an Exposure (no rows for a provider with no guarantees)."""
    return query(client, ExposureQuery(provider, skip), timeout_ms)


def query_duties(client: kc.Client, country: str, currency: str, from_ns: int = 0,
                 to_ns: int = 0, timeout_ms: Optional[int] = None) -> Answer:
    """A country's duty statement in ``currency`` over [from_ns, to_ns] (0, 0: all time):
    value a DutyStatement; "period_invalid" when from_ns > to_ns."""
    return query(client, DutyQuery(country, currency, from_ns, to_ns), timeout_ms)
