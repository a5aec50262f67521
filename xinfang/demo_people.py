"""Fictional petitioners and realistic requests for the demo district (清河区); no real person is named."""

from __future__ import annotations

import random
from typing import Any

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "建国秀英桂兰志强海燕玉梅春生德明淑珍丽华永红国庆文斌晓东小平宏伟金凤秋菊立新振华美玲学军"

# 问题分类 → requests petitioners make, with the facts they give; localities are where such matters arise.
MATTERS: dict[str, list[tuple[str, str]]] = {
    "urban_construction": [
        ("请求督促开发商修复小区地下车库渗漏", "汛期以来车库多处渗水，多次向物业反映未果。"),
        ("请求办理已购商品房不动产权证", "交房三年仍未办证，开发商称手续不全。"),
        ("请求解决老旧小区加装电梯费用分摊争议", "一楼住户反对，协商多次无果。"),
    ],
    "labour_social_security": [
        ("请求追讨拖欠的工资", "在工地务工八个月，包工头拖欠工资四万余元。"),
        ("请求核实养老保险缴费年限", "原单位改制时缴费记录缺失。"),
    ],
    "natural_resources": [("请求制止邻居违法占用耕地建房", "村民在基本农田上建房，村委会未制止。")],
    "ecology_environment": [
        ("请求查处夜间施工噪声扰民", "工地每晚十一点后仍在施工。"),
        ("请求治理小区旁餐馆油烟污染", "油烟直排，居民无法开窗。"),
    ],
    "market_regulation": [("请求退还预付卡余额", "健身房闭店，预付卡余额六千元无法退还。")],
    "education": [("请求解决子女就近入学问题", "户籍在学区内却被调剂到远处学校。")],
    "health": [("请求调查医疗收费问题", "住院费用清单中有未使用的耗材。")],
    "civil_affairs": [("请求重新审核低保资格", "家庭收入下降，低保申请被驳回。")],
    "urban_management": [
        ("请求清理占道经营摊点", "早市摊贩占用人行道，行人只能走机动车道。"),
        ("请求拆除楼顶违法建筑", "顶楼住户在楼顶加盖房屋，造成漏水。"),
    ],
    "transport": [("请求增设公交站点", "新建小区周边两公里内没有公交站。")],
    "agriculture_rural": [("请求兑现土地流转费", "合作社拖欠两年土地流转费。")],
    "public_security": [("请求加强小区治安巡逻", "近一个月小区内电动车多次被盗。")],
    "work_safety": [("请求排查工厂危化品储存隐患", "工厂院内堆放大量化学品桶。")],
    "other": [("建议在社区设立老年食堂", "社区老年人多，就餐不便。")],
}
# 检举控告: what reporters tell the discipline body; none of it may reach the bus (Art 30¶3).
REPORTS = [
    ("举报某社区主任优亲厚友违规办理低保", "其亲属家有商铺两间，仍享受低保三年。"),
    ("举报某站所负责人收受施工方礼金", "工程验收前后多次收受购物卡，金额约两万元。"),
    ("控告某执法人员执法中索要财物", "查处占道经营时索要现金，不给即扣押三轮车。"),
]
LOCALITIES = [
    "990101001", "990101002", "990101003", "990102001", "990102002", "990103001", "990103004",
    "990104002", "990104003", "990105001", "990105003", "990106001", "990106002",
]  # fmt: skip
RECEIVERS = ["区信访局接待科 王敏", "区信访局办信科 刘洋", "区信访局网信科 陈晨", "12345热线 赵磊"]


def person(rng: random.Random, index: int) -> dict[str, Any]:
    name = rng.choice(SURNAMES) + rng.choice(GIVEN[::2]) + rng.choice(GIVEN[1::2])
    return {"name": name, "phone": f"13{rng.randint(0, 9)}{index:08d}", "address": "清河区"}


def matter(rng: random.Random, category: str | None = None) -> tuple[str, str, str, str]:
    """A (category, locality, request, facts) a petitioner might bring."""
    category = category or rng.choice(list(MATTERS))
    request, facts = rng.choice(MATTERS[category])
    return category, rng.choice(LOCALITIES), request, facts
