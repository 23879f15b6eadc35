"""The gate verdict, one row per rule of the notice."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from desktop.clock import BEIJING
from desktop.services.passes import PassCheck, PassClaims, PassProblem
from desktop.services.verdict import (
    ApprovalKind,
    GateFacts,
    PassRecord,
    StudentFacts,
    Verdict,
    decide,
)

NOW = datetime(2020, 3, 20, 10, 0, tzinfo=BEIJING)
GOOD_CLAIMS = PassClaims(
    key_id=1,
    kind=1,
    ref=42,
    serial=7,
    issued=datetime(2020, 3, 1, tzinfo=UTC),
    expires=datetime(2020, 9, 1, tzinfo=UTC),
)
GOOD_CHECK = PassCheck(claims=GOOD_CLAIMS, problem=None)
GOOD_RECORD = PassRecord(belongs_to_student=True, revoked=False)
READY = StudentFacts(
    registered=True,
    approval_kind=ApprovalKind.CAMPUS,
    approved_from=date(2020, 3, 19),
    origin_province="河北省",
)


def facts(
    check: PassCheck = GOOD_CHECK,
    record: PassRecord | None = GOOD_RECORD,
    student: StudentFacts | None = READY,
    **changes: object,
) -> GateFacts:
    if student is not None and changes:
        student = StudentFacts(**{**READY.__dict__, **changes})
    return GateFacts(
        check=check,
        now=NOW,
        severe_provinces=("湖北省",),
        pass_record=record,
        student=student,
    )


def failed(problem: PassProblem) -> PassCheck:
    return PassCheck(claims=None, problem=problem)


EXPIRED = PassCheck(
    claims=PassClaims(
        **{**GOOD_CLAIMS.__dict__, "expires": NOW - timedelta(seconds=1)}
    ),
    problem=None,
)

RULES = [
    # (name, facts, verdict, words the reason must contain)
    (
        "not ours",
        facts(check=failed(PassProblem.NOT_OURS)),
        Verdict.REFUSE,
        "不是本系统",
    ),
    ("malformed", facts(check=failed(PassProblem.MALFORMED)), Verdict.REFUSE, "被改动"),
    ("forged", facts(check=failed(PassProblem.BAD_SIGNATURE)), Verdict.REFUSE, "伪造"),
    (
        "unknown key",
        facts(check=failed(PassProblem.UNKNOWN_KEY)),
        Verdict.REFUSE,
        "伪造",
    ),
    ("expired", facts(check=EXPIRED), Verdict.REFUSE, "已过期"),
    (
        "revoked",
        facts(record=PassRecord(belongs_to_student=True, revoked=True)),
        Verdict.REFUSE,
        "已作废",
    ),
    (
        "serial of another student",
        facts(record=PassRecord(belongs_to_student=False, revoked=False)),
        Verdict.REFUSE,
        "查无",
    ),
    ("unknown student", facts(record=None, student=None), Verdict.REFUSE, "查无"),
    ("not registered", facts(registered=False), Verdict.REFUSE, "未完成信息登记"),
    (
        "no approval",
        facts(approval_kind=None, approved_from=None),
        Verdict.REFUSE,
        "未经学校批准",
    ),
    (
        "Beijing only",
        facts(approval_kind=ApprovalKind.BEIJING_ONLY),
        Verdict.REFUSE,
        "返京不返校",
    ),
    ("severe area", facts(origin_province="湖北省"), Verdict.REFUSE, "疫情严重地区"),
    ("fever", facts(symptoms=("发烧",)), Verdict.REFUSE, "发烧"),
    (
        "cough and fatigue",
        facts(symptoms=("咳嗽", "乏力")),
        Verdict.REFUSE,
        "咳嗽、乏力",
    ),
    (
        "date not reached",
        facts(approved_from=date(2020, 3, 21)),
        Verdict.NOT_YET,
        "3月21日",
    ),
    (
        "already checked in",
        facts(
            checked_in_at=datetime(2020, 3, 19, 8, 5, tzinfo=BEIJING),
            checked_in_gate="西门",
        ),
        Verdict.ALREADY,
        "2020年3月19日 08:05在西门",
    ),
    (
        "approved today",
        facts(approved_from=date(2020, 3, 20)),
        Verdict.ADMIT,
        "准予报到",
    ),
    ("everything in order", facts(), Verdict.ADMIT, "准予报到"),
]


@pytest.mark.parametrize(
    ("gate_facts", "verdict", "words"),
    [pytest.param(f, v, w, id=name) for name, f, v, w in RULES],
)
def test_rule(gate_facts: GateFacts, verdict: Verdict, words: str) -> None:
    decision = decide(gate_facts)

    assert decision.verdict is verdict
    assert any(words in reason for reason in decision.reasons), decision.reasons


def test_every_refusal_reason_is_listed() -> None:
    decision = decide(facts(registered=False, approval_kind=None, symptoms=("发烧",)))

    assert decision.verdict is Verdict.REFUSE
    assert len(decision.reasons) == 3


def test_refusal_outranks_not_yet_and_already() -> None:
    gate_facts = facts(
        symptoms=("咳嗽",),
        approved_from=date(2020, 4, 1),
        checked_in_at=NOW - timedelta(days=1),
    )

    assert decide(gate_facts).verdict is Verdict.REFUSE


def test_abroad_origin_is_not_a_severe_province() -> None:
    assert decide(facts(origin_province=None)).verdict is Verdict.ADMIT
