"""Importing earlier cases and referrals from spreadsheets, all or nothing.

Two streaming passes over each file. The first validates every row and keeps only what
cross-row checks need (case refs, client refs, counts per code scope); if any error is found
nothing is written. The second pass parses the rows again and writes them with bulk inserts
in batches, inside one transaction that also holds the ImportBatch row and one audit entry.
"""

from __future__ import annotations

import contextlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import current_app, has_request_context
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from caseapp import codes, crypto
from caseapp.audit import services as audit
from caseapp.auth.models import Role, User
from caseapp.cases.models import Case, CaseStatus
from caseapp.clients.age import age_from
from caseapp.clients.models import Client, Ethnicity, Sex
from caseapp.clock import now, today
from caseapp.db import db
from caseapp.imports import vocab
from caseapp.imports.models import ImportBatch
from caseapp.imports.reader import FileFormatError, Source, read_rows
from caseapp.referrals.models import Provider, Referral, ReferralState, ServiceType, Urgency
from caseapp.units.models import Unit
from caseapp.units.tree import subtree_ids

MAX_ERRORS = 1000  # listed; the total is still counted
BATCH = 1000
IMPORTER_ROLES = (Role.SUPERVISOR, Role.ADMIN)
ProgressFn = Callable[[str, int, int | None], None]


class ImportNotAllowed(PermissionError):
    """The user may not import at all (wrong role or inactive account)."""


@dataclass(frozen=True)
class RowError:
    file: str
    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    dry_run: bool
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    written: bool = False
    batch_id: int | None = None
    cases: int = 0
    clients: int = 0  # new clients
    clients_linked: int = 0  # clients of earlier imports that new cases attach to
    referrals: int = 0

    @property
    def ok(self) -> bool:
        return self.error_count == 0


class _Abort(Exception):
    """A file changed between the two passes, or the database refused a row."""


def may_import(user: User) -> bool:
    return bool(user.active) and user.role in IMPORTER_ROLES


# --- value parsing ------------------------------------------------------------------------


def parse_date(text: str) -> date:
    """YYYY-MM-DD or DD/MM/YYYY (day and month may have one digit); ValueError otherwise."""
    if "/" in text:
        d, m, y = text.split("/")
        if len(y) != 4:
            raise ValueError(text)
        return date(int(y), int(m), int(d))
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        return date.fromisoformat(text)
    raise ValueError(text)


class _Row:
    """One data row: its values by column, and the errors found while parsing it."""

    __slots__ = ("errors", "file", "row", "today", "values")

    def __init__(self, file: str, row: int, values: dict[str, str], today: date) -> None:
        self.file, self.row, self.values, self.today = file, row, values, today
        self.errors: list[RowError] = []

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.file, self.row, column, message))

    def text(self, column: str, max_len: int | None = None, required: bool = False) -> str:
        value = self.values.get(column, "")
        if not value:
            if required:
                self.error(column, _("This value is required."))
            return ""
        if max_len is not None and len(value) > max_len:
            self.error(column, _("At most %(n)d characters.", n=max_len))
            return ""
        return value

    def date(self, column: str, required: bool = False) -> date | None:
        text = self.text(column, required=required)
        if not text:
            return None
        try:
            value = parse_date(text)
        except ValueError:
            self.error(column, _("Not a date: write YYYY-MM-DD or DD/MM/YYYY."))
            return None
        if value > self.today:
            self.error(column, _("This date cannot be in the future."))
            return None
        return value

    def code(self, column: str, mapping: dict[str, Any], default: Any = None) -> Any:
        text = self.text(column)
        if not text:
            return default
        value = mapping.get(vocab.fold(text))
        if value is None:
            self.error(column, _("Not an accepted value for this column (see the format "
                                 "description)."))
        return value


# --- the importer ---------------------------------------------------------------------------


@dataclass
class _CaseData:
    case_ref: str
    unit_id: int
    client_ref: str
    client: dict[str, Any]
    fingerprint: tuple[Any, ...]
    case: dict[str, Any]


class _Importer:
    def __init__(self, user: User, progress: ProgressFn | None) -> None:
        self.user = user
        self.progress = progress or (lambda _phase, _done, _total: None)
        self.errors: list[RowError] = []
        self.error_count = 0
        self.today = today()
        # Preloaded once; units and service types are small tables.
        self.units: dict[str, Unit] = {}
        self.units_folded: dict[str, Unit] = {}
        for unit in db.session.scalars(sa.select(Unit)):
            self.units[unit.code] = unit
            self.units_folded.setdefault(unit.code.casefold(), unit)
        self.unit_by_id = {u.id: u for u in self.units.values()}
        self.allowed: set[int] | None = (
            None if user.role == Role.ADMIN else set(db.session.scalars(subtree_ids(user.unit_id)))
        )
        self.service_types: dict[str, int] = {}
        for st in db.session.scalars(sa.select(ServiceType)):
            for key in (st.label_vi, st.label_en, st.code):
                self.service_types[vocab.fold(key)] = st.id
        providers: dict[str, int | None] = {}
        for pid, name in db.session.execute(sa.select(Provider.id, Provider.name)):
            key = vocab.fold(name)
            # Two directory entries of the same name: keep the text, link neither.
            providers[key] = None if key in providers else pid
        self.providers = providers
        # Cross-row state from the first pass.
        self.case_refs: dict[str, tuple[int, int]] = {}  # case_ref -> (row, unit_id)
        self.clients_seen: dict[str, tuple[int, int, int, tuple[Any, ...]]] = {}
        self.invalid_case_refs: set[str] = set()
        self.case_scopes: Counter[tuple[str, int]] = Counter()
        self.existing_clients: dict[tuple[int, str], int] = {}
        self.existing_births: dict[int, tuple[date | None, int | None]] = {}
        # case_ref -> (case id, unit id) of a case from an earlier import
        self.earlier_cases: dict[str, tuple[int, int]] = {}
        self.case_rows = 0
        self.referral_rows = 0

    # errors

    def add(self, errors: list[RowError]) -> None:
        for e in errors:
            self.error_count += 1
            if len(self.errors) < MAX_ERRORS:
                self.errors.append(e)

    # reading

    def _rows(self, source: Source, columns: tuple[str, ...],
              required: frozenset[str]) -> Iterator[_Row]:
        """Data rows as _Row; header problems are reported and end the file's reading."""
        name = source.name
        with contextlib.closing(read_rows(source)) as rows:
            yield from self._data_rows(name, rows, columns, required)

    def _data_rows(self, name: str, rows: Iterator[tuple[int, list[str]]],
                   columns: tuple[str, ...], required: frozenset[str]) -> Iterator[_Row]:
        try:
            header_cells: list[str] | None = None
            index: dict[str, int] = {}
            for row_no, cells in rows:
                if header_cells is None:
                    header_cells = [c.lstrip("\ufeff").strip().lower() for c in cells]
                    if not self._check_header(name, header_cells, columns, required):
                        return
                    index = {c: i for i, c in enumerate(header_cells) if c}
                    continue
                if not any(cells):
                    continue
                values = {c: (cells[i] if i < len(cells) else "") for c, i in index.items()}
                row = _Row(name, row_no, values, self.today)
                if len(cells) > len(header_cells) and any(cells[len(header_cells):]):
                    row.error("", _("This row has more values than the header has columns."))
                for i, c in enumerate(header_cells):
                    if not c and i < len(cells) and cells[i]:
                        row.error("", _("A value stands in a column without a name."))
                        break
                yield row
            if header_cells is None:
                self.add([RowError(name, 1, "", _("The file is empty: a header row is "
                                                  "required."))])
        except FileFormatError as exc:
            reason = str(exc)
            if reason == "encoding":
                message = _("The file is not UTF-8 text; save it as CSV UTF-8 or as XLSX.")
            elif reason == "xlsx":
                message = _("The file is not a readable XLSX workbook.")
            elif reason == "unpacked_size":
                message = _("The workbook unpacks to far more data than a spreadsheet of "
                            "records holds; it is refused. Save it again as XLSX or CSV.")
            elif reason == "empty":
                message = _("The file is empty: a header row is required.")
            else:
                message = _("The file is not a readable CSV file.")
            self.add([RowError(name, 1, "", message)])

    def _check_header(self, name: str, header: list[str], columns: tuple[str, ...],
                      required: frozenset[str]) -> bool:
        errors: list[RowError] = []
        seen: set[str] = set()
        for col in header:
            if not col:
                continue
            if col not in columns:
                errors.append(RowError(name, 1, col, _("Unknown column: %(name)s.", name=col)))
            elif col in seen:
                errors.append(RowError(name, 1, col, _("This column appears twice.")))
            seen.add(col)
        for col in columns:
            if col in required and col not in seen:
                errors.append(RowError(name, 1, col,
                                       _("Required column %(name)s is missing.", name=col)))
        self.add(errors)
        return not errors

    # cases

    def _unit(self, row: _Row) -> Unit | None:
        code = row.text("unit_code", required=True)
        if not code:
            return None
        unit = self.units.get(code) or self.units_folded.get(code.casefold())
        if unit is None:
            row.error("unit_code", _("Unknown unit code %(code)s.", code=code))
            return None
        if self.allowed is not None and unit.id not in self.allowed:
            row.error("unit_code", _("You may not import into unit %(code)s.", code=code))
            return None
        return unit

    def _parse_case(self, row: _Row) -> _CaseData | None:
        case_ref = row.text("case_ref", vocab.REF_MAX, required=True)
        unit = self._unit(row)
        client_ref = row.text("client_ref", vocab.REF_MAX, required=True)
        name = row.text("client_name", vocab.NAME_MAX)
        # Blank sex and category fall back to values that keep the row out of the indicator,
        # so an incomplete logbook never inflates it.
        sex = row.code("sex", vocab.SEX, Sex.OTHER)
        birth_year: int | None = None
        if by := row.text("birth_year"):
            try:
                birth_year = int(by)
                if not 1900 <= birth_year <= self.today.year:
                    raise ValueError(by)
            except ValueError:
                row.error("birth_year", _("Not a year of birth."))
                birth_year = None
        birth_date = row.date("birth_date")
        if birth_date and birth_year and birth_date.year != birth_year:
            row.error("birth_year", _("The year of birth does not match the birth date."))
        ethnicity_text = row.text("ethnicity", vocab.ETHNICITY_OTHER_MAX)
        ethnicity = vocab.ETHNICITY.get(vocab.fold(ethnicity_text)) if ethnicity_text else None
        ethnicity_other = None
        if ethnicity_text and ethnicity is None:
            ethnicity, ethnicity_other = Ethnicity.OTHER, ethnicity_text
        phone = row.text("phone", 32)
        phone_norm = crypto.normalize_phone(phone) if phone else ""
        if phone and not 8 <= len(phone_norm) <= 15:
            row.error("phone", _("Not a phone number."))
        category = row.code("category", vocab.CATEGORY, vocab.CATEGORY["legal"])
        detected = row.date("detected_on", required=True)
        channel = row.code("channel", vocab.CHANNEL)
        status = row.code("status", vocab.CASE_STATUS, CaseStatus.OPEN)
        closed_on = row.date("closed_on")
        if closed_on and status is not CaseStatus.CLOSED:
            row.error("closed_on", _("A closing date is allowed only with status closed."))
        if closed_on and detected and closed_on < detected:
            row.error("closed_on", _("The closing date cannot be before the detection date."))
        age = None
        if detected:
            born = birth_date or (date(birth_year, 1, 1) if birth_year else None)
            if born and born > detected:
                row.error("birth_date" if birth_date else "birth_year",
                          _("The birth is after the detection date."))
            else:
                age = age_from(detected, birth_date, birth_year)
        if row.errors or unit is None or detected is None:
            return None
        client = {
            "full_name": name or None,
            "phone": phone or None,
            # As the Client.birth_date setter does: ISO text (encrypted; the column is named
            # birth_date) and the year beside it.
            "birth_date": birth_date.isoformat() if birth_date else None,
            "birth_year": birth_date.year if birth_date else birth_year,
            "sex": sex,
            "ethnicity": ethnicity,
            "ethnicity_other": ethnicity_other,
        }
        fingerprint = (
            " ".join(name.split()).casefold() if name else None, sex if row.values.get("sex")
            else None, birth_year, birth_date, ethnicity_text.casefold() or None,
            phone_norm or None,
        )
        case = {
            "unit_id": unit.id,
            "category": category,
            "detected_on": detected,
            "opened_on": detected,
            "intake_channel": channel,
            "status": status,
            "closed_on": closed_on,
            "age_at_detection": age,
            "imported_ref": case_ref,
        }
        return _CaseData(case_ref, unit.id, client_ref, client, fingerprint, case)

    def validate_cases(self, source: Source) -> None:
        for row in self._rows(source, vocab.CASE_COLUMNS, vocab.CASE_REQUIRED):
            self.case_rows += 1
            data = self._parse_case(row)
            if data is not None:
                self._cross_check_case(row, data)
            elif row.values.get("case_ref"):
                # Its referrals are not reported again as pointing at an unknown case.
                self.invalid_case_refs.add(row.values["case_ref"])
            self.add(row.errors)
            if self.case_rows % 5000 == 0:
                self.progress("validate", self.case_rows, None)
        self._check_earlier_cases(source.name)

    def _cross_check_case(self, row: _Row, data: _CaseData) -> None:
        first = self.case_refs.get(data.case_ref)
        if first is not None:
            row.error("case_ref", _("This case_ref is already used in row %(row)d.",
                                    row=first[0]))
            return
        self.case_refs[data.case_ref] = (row.row, data.unit_id)
        seen = self.clients_seen.get(data.client_ref)
        if seen is None:
            self.clients_seen[data.client_ref] = (
                row.row, data.unit_id, data.case["detected_on"].year, data.fingerprint
            )
        else:
            birth_date, birth_year = seen[3][3], seen[3][2]
            detected = data.case["detected_on"]
            born = birth_date or (date(birth_year, 1, 1) if birth_year else None)
            if data.case["age_at_detection"] is None and born and born > detected:
                row.error("detected_on", _("The detection date is before the birth given in "
                                           "row %(row)d.", row=seen[0]))
            for col, mine, theirs in zip(vocab.CLIENT_COLUMNS, data.fingerprint, seen[3],
                                         strict=True):
                if mine is not None and mine != theirs:
                    row.error(col, _("Differs from row %(row)d for the same client_ref.",
                                     row=seen[0]))
        self.case_scopes[(self.unit_by_id[data.unit_id].code,
                          data.case["detected_on"].year)] += 1

    def _check_earlier_cases(self, file: str) -> None:
        """Refuse case_refs already imported for the same unit (one query), and find the
        clients of earlier imports that rows of this file refer to (one query)."""
        units = {u for _r, u in self.case_refs.values()}
        if not units:
            return
        existing = {(u, r) for u, r in db.session.execute(
            sa.select(Case.unit_id, Case.imported_ref)
            .where(Case.imported_ref.is_not(None), Case.unit_id.in_(units))
        )}
        for ref, (row_no, unit_id) in self.case_refs.items():
            if (unit_id, ref) in existing:
                self.add([RowError(file, row_no, "case_ref",
                                   _("This case_ref was already imported for this unit."))])
        client_units = {u for _r, u, _y, _f in self.clients_seen.values()}
        for client in db.session.scalars(
            sa.select(Client)
            .where(Client.imported_ref.is_not(None), Client.unit_id.in_(client_units))
        ):
            ref = client.imported_ref or ""
            if ref in self.clients_seen:
                self.existing_clients[(client.unit_id, ref)] = client.id
                self.existing_births[client.id] = (client.birth_date, client.birth_year)

    # referrals

    def _parse_referral(self, row: _Row) -> dict[str, Any] | None:
        case_ref = row.text("case_ref", vocab.REF_MAX, required=True)
        st_text = row.text("service_type", required=True)
        service_type_id = self.service_types.get(vocab.fold(st_text)) if st_text else None
        if st_text and service_type_id is None:
            row.error("service_type", _("Unknown service type %(code)s.", code=st_text))
        provider = row.text("provider", vocab.PROVIDER_MAX)
        provider_id = self.providers.get(vocab.fold(provider)) if provider else None
        referred_on = row.date("referred_on", required=True)
        state = row.code("status", vocab.REFERRAL_STATE, vocab.DEFAULT_REFERRAL_STATE)
        received_on = row.date("received_on")
        if state is ReferralState.RECEIVED and received_on is None and not row.values.get(
            "received_on"
        ):
            row.error("received_on", _("The date the service was received is required with "
                                       "status received."))
        if received_on and state is not None and state is not ReferralState.RECEIVED:
            row.error("received_on", _("A received date is allowed only with status "
                                       "received."))
        if received_on and referred_on and received_on < referred_on:
            row.error("received_on", _("The received date cannot be before the referral "
                                       "date."))
        if row.errors or referred_on is None or service_type_id is None:
            return None
        return {
            "case_ref": case_ref,
            "service_type_id": service_type_id,
            "provider_id": provider_id,
            "provider_name": None if provider_id else (provider or None),
            "state": state,
            "referred_on": referred_on,
            "sent_on": referred_on if state in vocab.SENT_OR_LATER else None,
            "received_on": received_on,
        }

    def validate_referrals(self, source: Source) -> None:
        # case_ref -> rows (row, service type, date) pointing at cases of earlier imports
        pending: dict[str, list[tuple[int, int, date]]] = defaultdict(list)
        seen: dict[tuple[str, int, date], int] = {}
        for row in self._rows(source, vocab.REFERRAL_COLUMNS, vocab.REFERRAL_REQUIRED):
            self.referral_rows += 1
            data = self._parse_referral(row)
            if data is not None:
                key = (data["case_ref"], data["service_type_id"], data["referred_on"])
                if key in seen:
                    row.error("case_ref", _("Same case, service type and date as row "
                                            "%(row)d.", row=seen[key]))
                else:
                    seen[key] = row.row
                    if (data["case_ref"] not in self.case_refs
                            and data["case_ref"] not in self.invalid_case_refs):
                        pending[data["case_ref"]].append((row.row, key[1], key[2]))
            self.add(row.errors)
            if self.referral_rows % 5000 == 0:
                self.progress("validate", self.case_rows + self.referral_rows, None)
        if pending:
            self._check_earlier_referral_cases(source.name, pending)

    def _check_earlier_referral_cases(
        self, file: str, pending: dict[str, list[tuple[int, int, date]]]
    ) -> None:
        found: dict[str, list[tuple[int, int]]] = defaultdict(list)
        refs = list(pending)
        for i in range(0, len(refs), 500):
            for cid, unit_id, ref in db.session.execute(
                sa.select(Case.id, Case.unit_id, Case.imported_ref)
                .where(Case.imported_ref.in_(refs[i:i + 500]))
            ):
                if self.allowed is None or unit_id in self.allowed:
                    found[ref].append((cid, unit_id))
        case_ids = {ids[0][0] for ids in found.values() if len(ids) == 1}
        earlier: set[tuple[int, int, date]] = set()
        ids = list(case_ids)
        for i in range(0, len(ids), 500):
            earlier.update((c, s, d) for c, s, d in db.session.execute(
                sa.select(Referral.case_id, Referral.service_type_id, Referral.referred_on)
                .where(Referral.case_id.in_(ids[i:i + 500]), Referral.imported_ref.is_not(None))
            ))
        for ref, rows in pending.items():
            ids_for_ref = found.get(ref, [])
            for row_no, st_id, referred_on in rows:
                if not ids_for_ref:
                    message = _("No case with this case_ref in this import or in an earlier "
                                "import into your units.")
                elif len(ids_for_ref) > 1:
                    message = _("This case_ref was imported for several units; import the "
                                "referral with the cases file of its unit.")
                elif (ids_for_ref[0][0], st_id, referred_on) in earlier:
                    message = _("This referral was already imported.")
                else:
                    continue
                self.add([RowError(file, row_no, "case_ref", message)])
        self.earlier_cases = {ref: ids[0] for ref, ids in found.items() if len(ids) == 1}

    # counts of what would be written

    def new_clients(self) -> int:
        return sum(1 for ref, (_r, unit_id, _y, _f) in self.clients_seen.items()
                   if (unit_id, ref) not in self.existing_clients)

    # writing

    def write(self, cases: Source | None, referrals: Source | None,
              result: ImportResult) -> None:
        at = now()
        batch = ImportBatch(at=at, user_id=self.user.id)
        db.session.add(batch)
        db.session.flush()
        total = self.case_rows + self.referral_rows
        done = 0
        client_ids: dict[str, int] = {}
        for (unit_id, ref), cid in self.existing_clients.items():
            if self.clients_seen[ref][1] == unit_id:
                client_ids[ref] = cid
        linked = len(client_ids)
        new_client_scopes: Counter[tuple[str, int]] = Counter()
        for ref, (_r, unit_id, year, _f) in self.clients_seen.items():
            if ref not in client_ids:
                new_client_scopes[(self.unit_by_id[unit_id].code, year)] += 1
        client_codes = self._reserve("client", new_client_scopes)
        case_codes = self._reserve("case", self.case_scopes)
        n_cases = n_clients = n_referrals = 0

        if cases is not None:
            pending: list[_CaseData] = []
            for row in self._rows(cases, vocab.CASE_COLUMNS, vocab.CASE_REQUIRED):
                data = self._parse_case(row)
                if data is None or data.case_ref not in self.case_refs:
                    raise _Abort
                pending.append(data)
                if len(pending) >= BATCH:
                    n_clients += self._write_cases(pending, batch.id, at, client_ids,
                                                   client_codes, case_codes)
                    n_cases += len(pending)
                    done += len(pending)
                    self.progress("write", done, total)
                    pending = []
            if pending:
                n_clients += self._write_cases(pending, batch.id, at, client_ids,
                                               client_codes, case_codes)
                n_cases += len(pending)
                done += len(pending)
                self.progress("write", done, total)
            if n_cases != self.case_rows:
                raise _Abort

        if referrals is not None:
            case_ids = dict(self.earlier_cases)
            case_ids.update((r, (i, u)) for r, i, u in db.session.execute(
                sa.select(Case.imported_ref, Case.id, Case.unit_id)
                .where(Case.import_batch_id == batch.id)
            ))
            rows: list[dict[str, Any]] = []
            for row in self._rows(referrals, vocab.REFERRAL_COLUMNS, vocab.REFERRAL_REQUIRED):
                data = self._parse_referral(row)
                if data is None or data["case_ref"] not in case_ids:
                    raise _Abort
                ref = data.pop("case_ref")
                case_id, unit_id = case_ids[ref]
                data.update(case_id=case_id, unit_id=unit_id, imported_ref=ref,
                            import_batch_id=batch.id,
                            urgency=Urgency.ROUTINE, created_by_id=self.user.id, created_at=at,
                            consent_override=False, version=1)
                rows.append(data)
                if len(rows) >= BATCH:
                    db.session.execute(sa.insert(Referral.__table__), rows)
                    n_referrals += len(rows)
                    done += len(rows)
                    self.progress("write", done, total)
                    rows = []
            if rows:
                db.session.execute(sa.insert(Referral.__table__), rows)
                n_referrals += len(rows)
                done += len(rows)
                self.progress("write", done, total)
            if n_referrals != self.referral_rows:
                raise _Abort

        batch.cases_count, batch.clients_count, batch.referrals_count = (
            n_cases, n_clients, n_referrals
        )
        units = len({u for _r, u in self.case_refs.values()})
        audit.record(
            "import.records", object_type="import_batch", object_id=batch.id,
            unit_id=self.user.unit_id, user=self.user,
            summary=(f"cases={n_cases} clients_new={n_clients} clients_linked={linked} "
                     f"referrals={n_referrals} units={units}"),
        )
        result.batch_id = batch.id
        result.cases, result.clients, result.referrals = n_cases, n_clients, n_referrals
        result.clients_linked = linked

    def _age_from_client(self, data: _CaseData) -> int | None:
        detected = data.case["detected_on"]
        _row, unit_id, _year, fingerprint = self.clients_seen[data.client_ref]
        linked = self.existing_clients.get((unit_id, data.client_ref))
        if linked is not None and fingerprint[2] is None and fingerprint[3] is None:
            birth_date, birth_year = self.existing_births[linked]
        else:
            birth_date, birth_year = fingerprint[3], fingerprint[2]
        return age_from(detected, birth_date, birth_year)

    @staticmethod
    def _reserve(kind: str, scopes: Counter[tuple[str, int]]) -> dict[tuple[str, int],
                                                                       Iterator[int]]:
        return {
            (unit_code, year): iter(codes.next_values(f"{kind}:{unit_code}:{year}", count))
            for (unit_code, year), count in sorted(scopes.items())
        }

    def _write_cases(self, batch_rows: list[_CaseData], batch_id: int, at: Any,
                     client_ids: dict[str, int],
                     client_codes: dict[tuple[str, int], Iterator[int]],
                     case_codes: dict[tuple[str, int], Iterator[int]]) -> int:
        new_refs: list[str] = []
        new_clients: list[dict[str, Any]] = []
        for data in batch_rows:
            if data.client_ref in client_ids or data.client_ref in new_refs:
                continue
            # The first row of a client gives her details (later rows only repeat them).
            _first, unit_id, year, _f = self.clients_seen[data.client_ref]
            unit_code = self.unit_by_id[unit_id].code
            n = next(client_codes[(unit_code, year)])
            new_refs.append(data.client_ref)
            new_clients.append(data.client | {
                # Blind indexes only here: the first pass must not pay for them.
                "name_bidx": crypto.name_index(data.client["full_name"]),
                "phone_bidx": crypto.phone_index(data.client["phone"]),
                "code": codes.make_code("client", unit_code, year, n),
                "unit_id": unit_id,
                "imported_ref": data.client_ref,
                "created_by_id": self.user.id,
                "created_at": at,
                "needs_interpreter": False,
                "disability": False,
                "version": 1,
            })
        if new_clients:
            # Core executemany, then the ids by the codes just generated (unique): RETURNING
            # with guaranteed order would fall back to one INSERT per row on SQLite.
            db.session.execute(sa.insert(Client.__table__), new_clients)
            by_code = {code: cid for code, cid in db.session.execute(
                sa.select(Client.code, Client.id)
                .where(Client.code.in_([c["code"] for c in new_clients]))
            )}
            client_ids.update(
                (ref, by_code[c["code"]]) for ref, c in zip(new_refs, new_clients, strict=True)
            )
        cases = []
        for data in batch_rows:
            if data.case["age_at_detection"] is None:
                # Later rows of a client may leave her birth data blank: use what is known.
                data.case["age_at_detection"] = self._age_from_client(data)
            unit_code = self.unit_by_id[data.unit_id].code
            year = data.case["detected_on"].year
            n = next(case_codes[(unit_code, year)])
            cases.append(data.case | {
                "code": codes.make_code("case", unit_code, year, n),
                "client_id": client_ids[data.client_ref],
                "import_batch_id": batch_id,
                "created_at": at,
                "version": 1,
            })
        db.session.execute(sa.insert(Case.__table__), cases)
        return len(new_clients)


@contextlib.contextmanager
def _messages_locale() -> Iterator[None]:
    """Outside a request (the command line) messages use the default language."""
    if has_request_context():
        yield
    else:
        with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
            yield


def run_import(user: User, cases: Source | None = None, referrals: Source | None = None, *,
               dry_run: bool = False, progress: ProgressFn | None = None) -> ImportResult:
    """Validate both files; if there is no error and this is not a dry run, write everything
    and commit once. On any error nothing is written."""
    if not may_import(user):
        raise ImportNotAllowed
    if cases is None and referrals is None:
        raise ValueError("no file to import")
    result = ImportResult(dry_run=dry_run)
    with _messages_locale():
        imp = _Importer(user, progress)
        if cases is not None:
            imp.validate_cases(cases)
        if referrals is not None:
            imp.validate_referrals(referrals)
        result.errors = sorted(imp.errors, key=lambda e: (e.file != (cases and cases.name),
                                                          e.row, e.column))
        result.error_count = imp.error_count
        if not result.ok or dry_run:
            result.cases = len(imp.case_refs) if result.ok else 0
            result.clients = imp.new_clients() if result.ok else 0
            result.clients_linked = (len(imp.clients_seen) - result.clients) if result.ok else 0
            result.referrals = imp.referral_rows if result.ok else 0
            db.session.rollback()
            return result
        try:
            imp.write(cases, referrals, result)
            db.session.commit()
        except (_Abort, IntegrityError):
            db.session.rollback()
            result.batch_id = None
            result.cases = result.clients = result.clients_linked = result.referrals = 0
            result.errors = [RowError(
                "", 0, "",
                _("The files or the records changed during the import; nothing was "
                  "written. Run the import again."),
            )]
            result.error_count = 1
            return result
        except BaseException:
            # Rows of the first batches are already in the transaction: drop them here, so
            # no later commit by the caller can write part of the import.
            db.session.rollback()
            raise
        result.written = True
    return result
