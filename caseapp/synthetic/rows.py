"""Rows of synthetic clients with their cases, incidents, consultations and referrals.

Everything random is drawn from one ``random.Random`` in bulk (``Table.draw``) in a
fixed order, so a seed always gives the same data. Dates are day numbers into a table of
ISO strings, so no date object is built per row. Encrypted columns hold real AES-GCM
tokens, one per value, under the instance's keyring.
"""

from __future__ import annotations

import random
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, TypeVar

from caseapp.crypto import Keyring, name_index, phone_index
from caseapp.synthetic import distributions as d
from caseapp.synthetic.distributions import Table

Row = tuple[str | None, ...]
# (client id, detection day, unit id, unit code, age): one case to open for a client.
Intake = tuple[int, int, str, str, int]
# (case id, detection day, category, unit id)
CaseRef = tuple[int, int, str, str]
VICTIM_CATEGORIES = frozenset({"dv", "trafficking"})
T = TypeVar("T")

FAMILY, MIDDLE, GIVEN = (Table.uniform(x) for x in (d.FAMILY, d.MIDDLE, d.GIVEN))
DESTINATION = Table.uniform(d.DESTINATION)
INTERPRETER = Table([(True, d.KHMER_INTERPRETER_SHARE), (False, 1 - d.KHMER_INTERPRETER_SHARE)])
# Days between events, uniform over plausible spans.
GAP = Table.uniform(range(30, 400))  # a client's second case comes months later
INCIDENT_BEFORE = Table.uniform(range(60))  # incidents precede detection
CONSULTATION_AFTER = Table.uniform(range(90))
# Most sessions end with a date for the next one, within the follow-up window.
CONSULTATION_FOLLOW_UP = Table([(True, d.CONSULTATION_FOLLOW_UP_SHARE),
                                (False, 1 - d.CONSULTATION_FOLLOW_UP_SHARE)])
FOLLOW_UP_AFTER = Table.uniform(range(3, d.FOLLOW_UP_DAYS + 1))
REFERRAL_DELAY = Table.uniform(range(30))
ANSWER_DELAY = Table.uniform(range(1, 10))  # the provider accepts, refuses or serves
RECEIPT_DELAY = Table.uniform(range(30))
_TABLES: dict[int, Table[Any]] = {}  # the pair lists of ``distributions`` as tables

COLUMNS: dict[str, tuple[str, ...]] = {
    "clients": ("id", "code", "unit_id", "full_name", "name_bidx", "phone", "phone_bidx",
                "birth_year", "sex", "ethnicity", "needs_interpreter", "interpreter_language",
                "disability", "version", "created_at"),
    "cases": ("id", "code", "client_id", "unit_id", "category", "victim_status",
              "detected_on", "intake_channel", "referring_source", "status", "opened_on",
              "closed_on", "summary", "current_risk", "age_at_detection", "version",
              "created_at", "follow_up_due_on"),
    "incidents": ("id", "case_id", "occurred_on", "place_type", "gbv_type", "narrative",
                  "trafficking_purpose", "trafficking_scope", "destination_country",
                  "returned_on", "version", "created_at"),
    "consultations": ("id", "case_id", "held_at", "kind", "channel", "duration_minutes",
                      "notes", "follow_up_on", "version", "created_at"),
    "referrals": ("id", "case_id", "unit_id", "service_type_id", "state", "urgency", "referred_on",
                  "follow_up_on", "sent_on", "responded_on", "received_on",
                  "not_received_reason", "consent_override", "version", "created_at"),
}
TABLES = tuple(COLUMNS)  # in foreign-key order


@dataclass
class Batch:
    rows: dict[str, list[Row]] = field(default_factory=lambda: {t: [] for t in TABLES})


class Calendar:
    """Day numbers 0..today for the span of years, with their text forms."""

    def __init__(self, today: date, years: int) -> None:
        self.span = years * 365
        origin = today - timedelta(days=self.span)
        self.today = self.span
        # Room past today for follow-up dates, which may lie in the future.
        days = [origin + timedelta(days=i) for i in range(self.span + d.FOLLOW_UP_DAYS + 1)]
        self.iso = [x.isoformat() for x in days]
        self.year = [x.year for x in days]
        self.midnight = [s + " 00:00:00.000000" for s in self.iso]


@dataclass
class Ids:
    """Next id of each table; rows get their ids here so children can refer to them."""

    next: dict[str, int]

    def take(self, table: str, n: int) -> range:
        start = self.next[table]
        self.next[table] = start + n
        return range(start, start + n)


class RowBuilder:
    def __init__(self, rng: random.Random, ring: Keyring, case_units: Sequence[tuple[int, str]],
                 service_ids: Sequence[int], calendar: Calendar, ids: Ids, created_at: str,
                 null: str | None, false: str, true: str) -> None:
        self.rng = rng
        self.ring = ring
        self.units = Table.uniform([(str(uid), code) for uid, code in case_units])
        self.services = Table.uniform([str(s) for s in service_ids])
        self.cal = calendar
        self.detected_ago = Table.uniform(range(calendar.span))
        self.ids = ids
        self.created = created_at
        self.null, self.false, self.true = null, false, true
        # About 2,500 distinct names: their blind indexes are worth remembering.
        self.name_index = lru_cache(maxsize=None)(lambda n: name_index(n, ring))

    def _draw(self, pairs: Sequence[tuple[T, float]], k: int) -> list[T]:
        table = _TABLES.get(id(pairs))
        if table is None:
            table = _TABLES[id(pairs)] = Table(pairs)
        return table.draw(self.rng, k)

    def batch(self, n: int) -> Batch:
        out = Batch()
        intakes = self._clients(n, out)
        cases = self._cases(intakes, out)
        self._incidents([c for c in cases if c[2] in VICTIM_CATEGORIES], out)
        self._consultations(cases, out)
        self._referrals(cases, out)
        return out

    def _clients(self, n: int, out: Batch) -> list[Intake]:
        """Client rows; returns one intake per case to open for them."""
        rng, cal, null = self.rng, self.cal, self.null
        units = self.units.draw(rng, n)
        names = [f"{a} {b} {c}" for a, b, c in zip(FAMILY.draw(rng, n), MIDDLE.draw(rng, n),
                                                    GIVEN.draw(rng, n), strict=True)]
        phones = [f"09{x % 10**8:08d}" for x in array("I", rng.randbytes(4 * n))]
        detected = [cal.today - x for x in self.detected_ago.draw(rng, n)]
        ages = self._draw(d.AGE, n)
        sexes = self._draw(d.SEX, n)
        ethnicities = self._draw(d.ETHNICITY, n)
        interpreter = INTERPRETER.draw(rng, n)
        n_cases = self._draw(d.CASES_PER_CLIENT, n)
        enc_names = self.ring.encrypt_many(names)
        enc_phones = self.ring.encrypt_many(phones)

        rows = out.rows["clients"]
        intakes: list[Intake] = []
        for i, cid in enumerate(self.ids.take("clients", n)):
            unit_id, unit_code = units[i]
            det = detected[i]
            khmer = ethnicities[i] == "khmer"
            needs = khmer and interpreter[i]
            rows.append((
                str(cid), f"KH.{unit_code}.{cid}", unit_id, enc_names[i],
                self.name_index(names[i]), enc_phones[i], phone_index(phones[i], self.ring),
                str(cal.year[det] - ages[i]), sexes[i], ethnicities[i],
                self.true if needs else self.false, "Khmer" if needs else null, self.false,
                "1", self.created,
            ))
            for _ in range(n_cases[i]):
                intakes.append((cid, det, unit_id, unit_code, ages[i]))
        return intakes

    def _cases(self, intakes: list[Intake], out: Batch) -> list[CaseRef]:
        rng, cal, null, m = self.rng, self.cal, self.null, len(intakes)
        categories = self._draw(d.CATEGORIES, m)
        victim = self._draw(d.VICTIM_STATUS, m)
        recent = self._draw(d.CASE_STATUS_RECENT, m)
        year = self._draw(d.CASE_STATUS_YEAR, m)
        older = self._draw(d.CASE_STATUS_OLDER, m)
        risks = self._draw(d.RISK, m)
        channels = self._draw(d.INTAKE_CHANNEL, m)
        sources = self._draw(d.REFERRING_SOURCE, m)
        gaps = GAP.draw(rng, m)
        summaries = self.ring.encrypt_many([d.SUMMARY] * m)

        rows = out.rows["cases"]
        prev_client = -1
        cases: list[CaseRef] = []
        for j, case_id in enumerate(self.ids.take("cases", m)):
            cid, det, unit_id, unit_code, age = intakes[j]
            later = cid == prev_client
            prev_client = cid
            if later:
                det = min(det + gaps[j], cal.today)
            cat = categories[j]
            age_days = cal.today - det
            status = (recent if age_days < 90 else year if age_days < 365 else older)[j]
            closed = status == "closed"
            rows.append((
                str(case_id), f"HS.{unit_code}.{case_id}", str(cid), unit_id, cat,
                victim[j] if cat == "trafficking" else null, cal.iso[det], channels[j],
                sources[j], status, cal.iso[det],
                cal.iso[min(det + d.CLOSED_AFTER_DAYS, cal.today)] if closed else null,
                summaries[j], risks[j] or null, str(age + later), "1", self.created,
                null,  # follow_up_due_on: set with the case's consultations
            ))
            cases.append((case_id, det, cat, unit_id))
        return cases

    def _incidents(self, cases: list[CaseRef], out: Batch) -> None:
        rng, cal, null = self.rng, self.cal, self.null
        counts = self._draw(d.INCIDENTS_PER_CASE, len(cases))
        k = sum(counts)
        places = self._draw(d.PLACE, k)
        gbv = self._draw(d.GBV_TYPE, k)
        purposes = self._draw(d.TRAFFICKING_PURPOSE, k)
        scopes = self._draw(d.TRAFFICKING_SCOPE, k)
        destinations = DESTINATION.draw(rng, k)
        before = INCIDENT_BEFORE.draw(rng, k)
        narratives = self.ring.encrypt_many([d.NARRATIVE] * k)

        rows = out.rows["incidents"]
        ids = iter(self.ids.take("incidents", k))
        i = 0
        for (case_id, det, cat, _unit), count in zip(cases, counts, strict=True):
            for _ in range(count):
                on = cal.iso[max(det - before[i], 0)]
                if cat == "trafficking":
                    abroad = scopes[i] == "cross_border"
                    rows.append((str(next(ids)), str(case_id), on, places[i], null,
                                 narratives[i], purposes[i], scopes[i],
                                 destinations[i] if abroad else null, cal.iso[det], "1",
                                 self.created))
                else:
                    rows.append((str(next(ids)), str(case_id), on, places[i], gbv[i],
                                 narratives[i], null, null, null, null, "1", self.created))
                i += 1

    def _consultations(self, cases: list[CaseRef], out: Batch) -> None:
        rng, cal = self.rng, self.cal
        counts = self._draw(d.CONSULTATIONS_PER_CASE, len(cases))
        k = sum(counts)
        kinds = self._draw(d.CONSULTATION_KIND, k)
        channels = self._draw(d.CONSULTATION_CHANNEL, k)
        minutes = self._draw(d.CONSULTATION_MINUTES, k)
        after = CONSULTATION_AFTER.draw(rng, k)
        follow = CONSULTATION_FOLLOW_UP.draw(rng, k)
        follow_after = FOLLOW_UP_AFTER.draw(rng, k)
        notes = self.ring.encrypt_many([d.NOTES] * k)

        rows = out.rows["consultations"]
        case_rows = out.rows["cases"]  # this batch's, in the order of ``cases``
        ids = iter(self.ids.take("consultations", k))
        i = 0
        for j, ((case_id, det, _cat, _unit), count) in enumerate(
                zip(cases, counts, strict=True)):
            last_held, due = -1, None
            for _ in range(count):
                held = min(det + after[i], cal.today)
                follow_up = held + follow_after[i] if follow[i] else None
                rows.append((str(next(ids)), str(case_id), cal.midnight[held], kinds[i],
                             channels[i], minutes[i], notes[i],
                             cal.iso[follow_up] if follow_up is not None else self.null,
                             "1", self.created))
                # The pending follow-ups are those of the last day's sessions.
                if held > last_held:
                    last_held, due = held, follow_up
                elif held == last_held and follow_up is not None:
                    due = follow_up if due is None else min(due, follow_up)
                i += 1
            if due is not None:
                case_rows[j] = (*case_rows[j][:-1], cal.iso[due])

    def _referrals(self, cases: list[CaseRef], out: Batch) -> None:
        rng, cal, null = self.rng, self.cal, self.null
        m = len(cases)
        for_victims = self._draw(d.REFERRALS_PER_VICTIM_CASE, m)
        for_others = self._draw(d.REFERRALS_PER_OTHER_CASE, m)
        counts = [v if c[2] in VICTIM_CATEGORIES else o
                  for c, v, o in zip(cases, for_victims, for_others, strict=True)]
        k = sum(counts)
        states = self._draw(d.REFERRAL_STATES, k)
        urgency = self._draw(d.URGENCY, k)
        reasons = self._draw(d.NOT_RECEIVED_REASON, k)
        services = self.services.draw(rng, k)
        delay = REFERRAL_DELAY.draw(rng, k)
        answer = ANSWER_DELAY.draw(rng, k)
        receipt = RECEIPT_DELAY.draw(rng, k)

        rows = out.rows["referrals"]
        ids = iter(self.ids.take("referrals", k))
        i = 0
        today = cal.today
        for (case_id, det, _cat, unit_id), count in zip(cases, counts, strict=True):
            for _ in range(count):
                state = states[i]
                referred = min(det + delay[i], today)
                answered = min(referred + answer[i], today)
                received = cal.iso[min(answered + receipt[i], today)] if state == "received" \
                    else null
                rows.append((
                    str(next(ids)), str(case_id), unit_id, services[i], state, urgency[i],
                    cal.iso[referred], cal.iso[referred + d.FOLLOW_UP_DAYS],
                    cal.iso[referred] if state in d.SENT_STATES else null,
                    cal.iso[answered] if state in d.ANSWERED_STATES else null, received,
                    reasons[i] if state == "not_received" else null, self.false, "1",
                    self.created,
                ))
                i += 1
