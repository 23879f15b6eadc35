"""The gate verdict: one pure function from the facts about a scan.

The caller gathers the facts (offline signature check, then the database);
this module only applies the notice's rules, in this order:

1. not our code, forged, expired or revoked: refuse, nothing else is read;
2. the student's own state: not registered, not approved to return to
   campus, approved only to return to Beijing, from a severe area, fever,
   cough or fatigue declared: refuse, listing every reason that applies;
3. approved date not reached: not yet;
4. already checked in: already, saying when and at which gate;
5. otherwise admit.

A release certificate shown instead of a pass is refused with words that
say what it is, whether it is valid, revoked or forged, and what it says
(``certificate_decision``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime

from desktop.clock import BEIJING
from desktop.i18n import N_, _
from desktop.services.certificates import CertificateReport
from desktop.services.passes import PassCheck, PassProblem


class Verdict(enum.StrEnum):
    """What the gate says; the values are those of ``scan --json``."""

    ADMIT = "admit"
    ALREADY = "already"
    NOT_YET = "not_yet"
    REFUSE = "refuse"


class ApprovalKind(enum.StrEnum):
    """The kinds of return approval."""

    CAMPUS = "campus"
    BEIJING_ONLY = "beijing_only"


@dataclass(frozen=True)
class PassRecord:
    """What the database says about the pass's serial."""

    belongs_to_student: bool
    revoked: bool


@dataclass(frozen=True)
class StudentFacts:
    """The student's state relevant at the gate (None fields: not known)."""

    registered: bool
    approval_kind: ApprovalKind | None
    approved_from: date | None
    origin_province: str | None
    symptoms: tuple[str, ...] = ()
    checked_in_at: datetime | None = None
    checked_in_gate: str | None = None


@dataclass(frozen=True)
class GateFacts:
    """Everything the verdict depends on.

    ``check`` is None for a manual look-up (a student whose phone is dead):
    there is no code to judge, only the student.
    """

    check: PassCheck | None
    now: datetime
    severe_provinces: tuple[str, ...]
    pass_record: PassRecord | None = None
    student: StudentFacts | None = None


@dataclass(frozen=True)
class Decision:
    """The verdict and the reasons in words (Chinese, translated)."""

    verdict: Verdict
    reasons: tuple[str, ...] = field(default=())


_PROBLEM_REASONS = {
    PassProblem.NOT_OURS: N_("不是本系统的报到二维码"),
    PassProblem.MALFORMED: N_("二维码内容不完整或被改动"),
    PassProblem.UNSUPPORTED_VERSION: N_("二维码版本不受支持"),
    PassProblem.WRONG_KIND: N_("不是报到二维码"),
    PassProblem.UNKNOWN_KEY: N_("签发密钥未知或已停用，疑似伪造"),
    PassProblem.BAD_SIGNATURE: N_("签名无效，二维码系伪造或被篡改"),
}


def _refuse(*reasons: str) -> Decision:
    return Decision(Verdict.REFUSE, tuple(reasons))


def _format_day(moment: date | datetime) -> str:
    if isinstance(moment, datetime):
        moment = moment.astimezone(BEIJING).date()
    return f"{moment.year}年{moment.month}月{moment.day}日"


def _code_reasons(facts: GateFacts) -> Decision | None:
    """Refusals that come from the code itself; None if the code is good."""
    check = facts.check
    if check is None:
        if facts.student is None:
            return _refuse(_("查无此学生"))
        return None
    if not check.valid:
        assert check.problem is not None
        return _refuse(_(_PROBLEM_REASONS[check.problem]))
    claims = check.claims
    assert claims is not None
    if facts.now >= claims.expires:
        return _refuse(
            _("报到二维码已过期（有效期至{day}）").format(
                day=_format_day(claims.expires)
            )
        )
    record = facts.pass_record
    if record is None or not record.belongs_to_student or facts.student is None:
        return _refuse(_("查无此报到二维码的签发记录"))
    if record.revoked:
        return _refuse(_("报到二维码已作废（已重新签发，请出示最新二维码）"))
    return None


def _student_reasons(student: StudentFacts, severe: tuple[str, ...]) -> list[str]:
    reasons = []
    if not student.registered:
        reasons.append(_("未完成信息登记"))
    if student.approval_kind is None:
        reasons.append(_("未经学校批准返校"))
    elif student.approval_kind is ApprovalKind.BEIJING_ONLY:
        reasons.append(_("仅批准返京不返校，不得入校"))
    if student.origin_province and student.origin_province in severe:
        reasons.append(
            _("来自{province}等疫情严重地区，不得返京").format(
                province=student.origin_province
            )
        )
    if student.symptoms:
        reasons.append(
            _("申报有症状：{symptoms}").format(symptoms="、".join(student.symptoms))
        )
    return reasons


def decide(facts: GateFacts) -> Decision:
    """Apply the gate rules to ``facts``."""
    refused = _code_reasons(facts)
    if refused is not None:
        return refused
    student = facts.student
    assert student is not None

    reasons = _student_reasons(student, facts.severe_provinces)
    if reasons:
        return _refuse(*reasons)

    today = facts.now.astimezone(BEIJING).date()
    if student.approved_from is not None and today < student.approved_from:
        return Decision(
            Verdict.NOT_YET,
            (
                _("批准返校日期为{day}，尚未到").format(
                    day=_format_day(student.approved_from)
                ),
            ),
        )

    if student.checked_in_at is not None:
        return already_checked_in(student.checked_in_at, student.checked_in_gate)
    return admitted()


def admitted() -> Decision:
    """The decision for an admitted student."""
    return Decision(Verdict.ADMIT, (_("准予报到"),))


def already_checked_in(when: datetime, gate: str | None) -> Decision:
    """The decision for a student who has checked in before."""
    local = when.astimezone(BEIJING)
    reason = _("已于{day} {time}在{gate}报到").format(
        day=_format_day(local), time=local.strftime("%H:%M"), gate=gate or ""
    )
    return Decision(Verdict.ALREADY, (reason,))


def certificate_decision(report: CertificateReport) -> Decision:
    """The decision for a release certificate shown where a pass is due."""
    return _refuse(_("这是解除观察电子证明，不是报到二维码"), *report.summary())
