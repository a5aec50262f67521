"""Events of mediation (办理): the reply issued and the case closed."""

from datetime import date

from pydantic import Field

from events.base import CaseEvent
from events.vocabulary import Opinion


class ReplyIssued(CaseEvent):
    """信访处理意见书已出具: the department answered the petitioner (Art 32)."""

    event_type = "reply_issued"

    case_no: str
    department: str
    opinion: Opinion = Field(description="处理意见: 支持 / 解释说明 / 不予支持")
    text: str = Field(description="处理意见书正文")
    replied_on: date = Field(description="答复日期")


class CaseClosed(CaseEvent):
    """案件已办结: the department reported the case closed."""

    event_type = "case_closed"

    case_no: str
    department: str
    report: str = Field("", description="办结报告")
    closed_on: date = Field(description="办结日期")
