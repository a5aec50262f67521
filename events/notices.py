"""Notices to the petitioner (告知、送达): each decision the petitioner must be told of is told on its own record,
by whichever service decided it; later clocks count from the day a written answer was served (Art 35, 36)."""

from datetime import date

from pydantic import Field

from events.base import CaseEvent
from events.fields import CaseNo, Round
from events.vocabulary import NoticeKind, NoticeMethod


class NoticeServed(CaseEvent):
    """告知已送达: the petitioner was told of a decision on a day and by a method, or could not be (姓名、住址不清)."""

    event_type = "notice_served"
    effective = "served_on"

    case_no: CaseNo
    notice: NoticeKind = Field(title="告知事项")
    method: NoticeMethod | None = Field(None, title="告知方式", description="书面/短信/网上/当面; none if unreachable")
    served_on: date = Field(title="送达日期", description="the day the petitioner was told, or received the writing")
    content: str = Field("", title="告知内容")
    unreachable: bool = Field(
        False, title="姓名住址不清", description="no notice could be served: name or address unclear (Art 23¶2)"
    )
    competent_body: str = Field("", title="有权处理机关", description="where a matter outside the scope belongs")
    round: Round = 1
