"""Fields that many events share, declared once with their Chinese titles."""

from typing import Annotated

from pydantic import Field

CaseNo = Annotated[str, Field(title="信访件编号", description="the number staff and petitioners quote")]
Department = Annotated[str, Field(title="单位", description="unit code from the organisation file")]
DepartmentName = Annotated[str, Field(title="单位名称")]
UnitCodes = Annotated[
    list[str],
    Field(title="协办单位", description="co-handler unit codes (主办/协办; Art 24¶1: a matter of several units)"),
]
UnitNames = Annotated[list[str], Field(title="协办单位名称")]
Leader = Annotated[str, Field(title="包案领导", description="owning leader id; empty unless the case is major")]
LeaderName = Annotated[str, Field(title="包案领导", description="the owning leader's name")]
Round = Annotated[int, Field(title="办理轮次", description="handling round; 2+ after an unsatisfied rating")]
Risks = Annotated[list[str], Field(title="风险标识", description="Risk values that make a case major")]
Request = Annotated[
    str, Field(title="信访请求", description="for the department's work and its reply; empty for a report")
]
Facts = Annotated[str, Field(title="事实和理由", description="empty for a report (检举控告)")]
Reason = Annotated[str, Field(title="理由")]
