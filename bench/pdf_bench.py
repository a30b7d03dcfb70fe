"""Case summary PDF: the application path against bare WeasyPrint on the same HTML.

Builds a typical case (2 incidents, 5 consultations, 3 referrals with their history) in a
temporary SQLite database, then times N renderings through ``render_document`` (access
check, section queries, decryption, template, WeasyPrint, printed-document row, audit
entry, commit) and N renderings of the SAME final HTML by ``weasyprint.HTML.write_pdf``
with the same stylesheet, fonts and URL fetcher. Prints both medians and their ratio.

    python bench/pdf_bench.py [-n 15]
"""

from __future__ import annotations

import argparse
import base64
import secrets
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from weasyprint import HTML  # noqa: E402

from caseapp import create_app  # noqa: E402
from caseapp.access import get_case_or_404  # noqa: E402
from caseapp.auth.models import Role, User  # noqa: E402
from caseapp.cases.models import (  # noqa: E402
    Case,
    CaseCategory,
    CaseEvent,
    CaseStatus,
    RiskLevel,
)
from caseapp.clients.models import Client, Sex  # noqa: E402
from caseapp.consents.models import Consent, ConsentGiver, ConsentPurpose  # noqa: E402
from caseapp.consultations.models import (  # noqa: E402
    Consultation,
    ConsultationChannel,
    ConsultationKind,
)
from caseapp.db import db  # noqa: E402
from caseapp.documents.services import (  # noqa: E402
    DocumentSpec,
    get_renderer,
    render_document,
)
from caseapp.documents.summary import case_summary_spec  # noqa: E402
from caseapp.incidents.models import (  # noqa: E402
    GbvType,
    Incident,
    IncidentAct,
    Perpetrator,
    Relationship,
    ViolenceAct,
)
from caseapp.pdf import PdfStamp  # noqa: E402
from caseapp.referrals.models import (  # noqa: E402
    Referral,
    ReferralEvent,
    ReferralState,
    ServiceType,
    Urgency,
)
from caseapp.risk.models import RiskAssessment  # noqa: E402
from caseapp.units import services as units  # noqa: E402
from config import BaseConfig  # noqa: E402


def build_case() -> tuple[User, int]:
    units.ensure_default_kinds()
    unit = units.create_unit("BENCH", "Hội LHPN xã Vĩnh Hải", "commune", None)
    db.session.flush()
    user = User(username="bench", full_name="Lê Thị Hồng Nhung", role=Role.COUNSELOR,
                unit_id=unit.id, password_hash="!")  # noqa: S106 (never logs in)
    client = Client(code="KH.BENCH.0001", unit_id=unit.id, full_name="Thạch Thị Sô Phia",
                    phone="0912 345 678", address="Ấp Mỹ Thanh, xã Vĩnh Hải", sex=Sex.FEMALE)
    db.session.add_all([user, client])
    db.session.flush()
    case = Case(code="HS.BENCH.2026.0001", unit_id=unit.id, client_id=client.id,
                counselor_id=user.id, category=CaseCategory.DV, detected_on=date(2026, 3, 1),
                opened_on=date(2026, 3, 1), status=CaseStatus.IN_PROGRESS,
                summary="Bạo lực thể chất và tinh thần kéo dài nhiều năm.")
    db.session.add(case)
    db.session.flush()
    start = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    for n in range(2):
        inc = Incident(case_id=case.id, occurred_on=date(2026, 2, 20 + n),
                       gbv_type=GbvType.PHYSICAL_ASSAULT,
                       narrative="Chị Thạch Thị Sô Phia bị chồng đánh ở ấp Mỹ Thanh. " * 4)
        inc.acts = [IncidentAct(act=ViolenceAct.PHYSICAL_ASSAULT),
                    IncidentAct(act=ViolenceAct.PSYCH_INSULT)]
        inc.perpetrators = [Perpetrator(relationship_=Relationship.HUSBAND, sex=Sex.MALE)]
        db.session.add(inc)
    db.session.add(RiskAssessment(case_id=case.id, assessed_at=start, assessed_by_id=user.id,
                                  answers="threat_to_kill,weapon", score=8,
                                  level=RiskLevel.HIGH))
    db.session.add(Consent(client_id=client.id, purpose=ConsentPurpose.SHARE,
                           given_by=ConsentGiver.CLIENT, given_on=date(2026, 3, 1),
                           shared_fields="phone"))
    for n in range(5):
        db.session.add(Consultation(
            case_id=case.id, held_at=start + timedelta(days=4 * n),
            kind=ConsultationKind.LEGAL, channel=ConsultationChannel.IN_PERSON,
            counselor_id=user.id, duration_minutes=45,
            notes="Tư vấn về quyền được bảo vệ và thủ tục xin lệnh cấm tiếp xúc. " * 3,
            next_step="Hẹn gặp lại sau một tuần"))
    for n, code in enumerate(("health", "legal_aid", "shelter")):
        st = ServiceType(code=code, label_vi=f"Dịch vụ {code}", label_en=code)
        db.session.add(st)
        db.session.flush()
        ref = Referral(case_id=case.id, unit_id=case.unit_id, service_type_id=st.id,
                       state=ReferralState.SENT,
                       urgency=Urgency.URGENT, reason="Cần hỗ trợ khẩn cấp",
                       referred_on=date(2026, 3, 3 + n), created_by_id=user.id)
        db.session.add(ref)
        db.session.flush()
        db.session.add_all([
            ReferralEvent(referral_id=ref.id, at=start, user_id=user.id,
                          to_state=ReferralState.DRAFT),
            ReferralEvent(referral_id=ref.id, at=start + timedelta(hours=2), user_id=user.id,
                          from_state=ReferralState.DRAFT, to_state=ReferralState.SENT),
        ])
    db.session.add(CaseEvent(case_id=case.id, at=start, user_id=user.id,
                             from_status=CaseStatus.OPEN, to_status=CaseStatus.IN_PROGRESS))
    db.session.commit()
    return user, case.id


def final_html(spec: DocumentSpec, user: User) -> str:
    """The HTML ``render_document`` hands to WeasyPrint for this document (app context)."""
    stamp = PdfStamp(document_id="BENCH-00000", printed_by=user.full_name,
                     printed_at=datetime.now(UTC))
    return get_renderer().render_html(spec.template, spec.context, meta=spec.meta(),
                                      stamp=stamp)


def bare_pdf(html: str) -> bytes:
    """WeasyPrint alone on that HTML, with the renderer's stylesheet, fonts and fetcher."""
    renderer = get_renderer()
    return HTML(string=html, url_fetcher=renderer.url_fetcher).write_pdf(
        stylesheets=[renderer.stylesheet], font_config=renderer.font_config
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=15, help="renderings per path")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            BaseConfig,
            SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp}/bench.sqlite",
            SECRET_KEY=secrets.token_urlsafe(32),
            DATA_KEY="k1:" + base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        )
        with app.test_request_context():
            db.create_all()
            user, case_id = build_case()

            def app_path() -> bytes:
                case = get_case_or_404(case_id, user)
                return render_document(case_summary_spec(case), user=user)

            app_path()  # warm-up: template compilation, first font subsetting
            app_times: list[float] = []
            app_cpu: list[float] = []
            for _ in range(args.n):
                t0, c0 = time.perf_counter(), time.process_time()
                pdf = app_path()
                app_times.append(time.perf_counter() - t0)
                app_cpu.append(time.process_time() - c0)

            # The final HTML of one of those documents, rendered by WeasyPrint alone.
            html = final_html(case_summary_spec(get_case_or_404(case_id, user)), user)

            def bare() -> bytes:
                return bare_pdf(html)

            bare()
            bare_times: list[float] = []
            bare_cpu: list[float] = []
            for _ in range(args.n):
                t0, c0 = time.perf_counter(), time.process_time()
                bare()
                bare_times.append(time.perf_counter() - t0)
                bare_cpu.append(time.process_time() - c0)
            db.session.remove()
            db.engine.dispose()

    app_median = statistics.median(app_times)
    bare_median = statistics.median(bare_times)
    print(f"renderings per path: {args.n}; PDF size {len(pdf)} bytes")
    print(f"application path (render_document): median {app_median * 1000:.0f} ms")
    print(f"bare WeasyPrint, same HTML:          median {bare_median * 1000:.0f} ms")
    print(f"ratio: {app_median / bare_median:.2f}")
    # CPU time of this process: what the rendering costs when the machine is shared.
    app_cpu_median = statistics.median(app_cpu)
    bare_cpu_median = statistics.median(bare_cpu)
    print(f"CPU time medians: application {app_cpu_median * 1000:.0f} ms, "
          f"bare {bare_cpu_median * 1000:.0f} ms, ratio {app_cpu_median / bare_cpu_median:.2f}")


if __name__ == "__main__":
    main()
