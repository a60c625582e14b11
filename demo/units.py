"""三明市's units and leading group (001, the 三明市 plan) — units and titles only, never names.

UNITS are 附件1's member units plus 市交通运输局, which the main tasks name but which holds no
seat in the leading group (so it is not a 领导小组成员单位 for the responsibility matrix).
"""

# (full name, short name, kind)
UNITS: tuple[tuple[str, str, str], ...] = (
    ("三明市委网信办", "网信办", "department"),
    ("三明市发展和改革委员会", "发改委", "department"),
    ("三明市工业和信息化局", "工信局", "department"),
    ("三明市公安局", "公安局", "department"),
    ("三明市财政局", "财政局", "department"),
    ("三明市人力资源和社会保障局", "人社局", "department"),
    ("三明市农业农村局", "农业农村局", "department"),
    ("三明市商务局", "商务局", "department"),
    ("三明市市场监督管理局", "市场监管局", "department"),
    ("三明市文化和旅游局", "文旅局", "department"),
    ("三明市司法局", "司法局", "department"),
    ("三明市统计局", "统计局", "department"),
    ("三明市林业局", "林业局", "department"),
    ("三明市金融监管局", "金融监管局", "department"),
    ("三明市行政服务中心管委会", "行政服务中心管委会", "department"),
    ("三明市供销合作社", "供销社", "department"),
    ("三明市数字福建政务服务中心", "数政中心", "department"),
    ("三明市交通运输局", "交通运输局", "department"),
    ("国家税务总局三明市税务局", "税务局", "vertical"),
    ("三明海关", "三明海关", "vertical"),
    ("三明市邮政管理局", "邮政管理局", "vertical"),
    ("中国人民银行三明市分行", "人行三明市分行", "vertical"),
    ("国家金融监督管理总局三明监管分局", "三明金融监管分局", "vertical"),
    ("三元区人民政府", "三元区", "county_government"),
    ("沙县区人民政府", "沙县区", "county_government"),
    ("永安市人民政府", "永安市", "county_government"),
    ("明溪县人民政府", "明溪县", "county_government"),
    ("清流县人民政府", "清流县", "county_government"),
    ("宁化县人民政府", "宁化县", "county_government"),
    ("建宁县人民政府", "建宁县", "county_government"),
    ("泰宁县人民政府", "泰宁县", "county_government"),
    ("将乐县人民政府", "将乐县", "county_government"),
    ("尤溪县人民政府", "尤溪县", "county_government"),
    ("大田县人民政府", "大田县", "county_government"),
)

COUNTIES = tuple(short for _name, short, kind in UNITS if kind == "county_government")

# 附件1: the leading group as (role, title, unit short name or None) — titles only, never names.
# The 组长 and the first 副组长 sit for the 市政府, which is not a responsible unit.
LEADING_GROUP: tuple[tuple[str, str, str | None], ...] = (
    ("leader", "市政府副市长", None),
    ("deputy", "市政府副秘书长", None),
    ("deputy", "市市场监管局局长", "市场监管局"),
    ("member", "市委网信办副主任", "网信办"),
    ("member", "市发改委副主任", "发改委"),
    ("member", "市工信局四级调研员", "工信局"),
    ("member", "市公安局副局长", "公安局"),
    ("member", "市财政局副局长", "财政局"),
    ("member", "市人社局副局长", "人社局"),
    ("member", "市农业农村局四级调研员", "农业农村局"),
    ("member", "市商务局四级调研员", "商务局"),
    ("member", "市市场监管局副局长", "市场监管局"),
    ("member", "市文旅局副局长", "文旅局"),
    ("member", "市司法局副局长", "司法局"),
    ("member", "市统计局副局长", "统计局"),
    ("member", "市林业局总工程师", "林业局"),
    ("member", "市金融监管局副局长", "金融监管局"),
    ("member", "市行政服务中心管委会副主任", "行政服务中心管委会"),
    ("member", "市供销社二级调研员", "供销社"),
    ("member", "市数政中心副主任", "数政中心"),
    ("member", "市税务局总经济师", "税务局"),
    ("member", "三明海关党委委员", "三明海关"),
    ("member", "市邮政管理局副局长", "邮政管理局"),
    ("member", "人行三明市分行副行长", "人行三明市分行"),
    ("member", "国家金融监督管理总局三明监管分局三级调研员", "三明金融监管分局"),
    ("member", "三元区政府副区长", "三元区"),
    ("member", "沙县区政府副区长", "沙县区"),
    ("member", "永安市政府副市长", "永安市"),
    ("member", "明溪县政府副县长", "明溪县"),
    ("member", "清流县委常委、副县长", "清流县"),
    ("member", "宁化县政府副县长", "宁化县"),
    ("member", "建宁县委常委、副县长", "建宁县"),
    ("member", "泰宁县政府副县长", "泰宁县"),
    ("member", "将乐县政府副县长", "将乐县"),
    ("member", "尤溪县政府副县长", "尤溪县"),
    ("member", "大田县政府副县长", "大田县"),
    # 领导小组下设办公室,办公室设在市市场监管局,办公室主任由(成员中的)市市场监管局副局长兼任。
    ("office_director", "市市场监管局副局长（兼）", "市场监管局"),
)

# "各成员单位对口业务科室负责人为联络员": one liaison seat per member unit.
LIAISONS: tuple[tuple[str, str, str | None], ...] = tuple(
    ("liaison", "对口业务科室负责人", unit) for role, _title, unit in LEADING_GROUP if role == "member"
)
