"""安徽省 administrative divisions (GB/T 2260 codes) and where a sample belongs.

The list is the Ministry of Civil Affairs' 县以上行政区划代码 (民政部, the maintainer of
GB/T 2260 between editions) for 安徽省 as of December 2021 — 1 province, 16 prefecture
cities, 104 county-level divisions — transcribed from the public repository cn/GB2260
(`mca/202112.tsv`, commit 8bd12eee; its Anhui rows are identical to `mca/202012.tsv`).
A code is 6 digits PP CC DD: province 340000, city 34CC00, county 34CCDD (DD ≠ 00).

`place(unit_code, centre_code)` decides where one sample counts: the sampled unit's
code when the list knows it (a county, or at least its city, e.g. a retired 市辖区 code
34CC01 counts for its city); otherwise the sampling centre's own code, and the figures
say how many samples were placed that way. A sample placed only at city level is shown
at county level in its city's residual row ("市本级/未分县"), one placed only at province
level in the province's residual row, so every level adds up to the level above.
"""

from __future__ import annotations

from dataclasses import dataclass

PROVINCE_CODE = "340000"
PROVINCE_NAME = "安徽省"
SOURCE = "民政部 县以上行政区划代码 2021-12 (GB/T 2260), via cn/GB2260 mca/202112.tsv"

DIVISIONS: tuple[tuple[str, str], ...] = (
    ("340000", "安徽省"),
    ("340100", "合肥市"),
    ("340102", "瑶海区"),
    ("340103", "庐阳区"),
    ("340104", "蜀山区"),
    ("340111", "包河区"),
    ("340121", "长丰县"),
    ("340122", "肥东县"),
    ("340123", "肥西县"),
    ("340124", "庐江县"),
    ("340181", "巢湖市"),
    ("340200", "芜湖市"),
    ("340202", "镜湖区"),
    ("340207", "鸠江区"),
    ("340209", "弋江区"),
    ("340210", "湾沚区"),
    ("340212", "繁昌区"),
    ("340223", "南陵县"),
    ("340281", "无为市"),
    ("340300", "蚌埠市"),
    ("340302", "龙子湖区"),
    ("340303", "蚌山区"),
    ("340304", "禹会区"),
    ("340311", "淮上区"),
    ("340321", "怀远县"),
    ("340322", "五河县"),
    ("340323", "固镇县"),
    ("340400", "淮南市"),
    ("340402", "大通区"),
    ("340403", "田家庵区"),
    ("340404", "谢家集区"),
    ("340405", "八公山区"),
    ("340406", "潘集区"),
    ("340421", "凤台县"),
    ("340422", "寿县"),
    ("340500", "马鞍山市"),
    ("340503", "花山区"),
    ("340504", "雨山区"),
    ("340506", "博望区"),
    ("340521", "当涂县"),
    ("340522", "含山县"),
    ("340523", "和县"),
    ("340600", "淮北市"),
    ("340602", "杜集区"),
    ("340603", "相山区"),
    ("340604", "烈山区"),
    ("340621", "濉溪县"),
    ("340700", "铜陵市"),
    ("340705", "铜官区"),
    ("340706", "义安区"),
    ("340711", "郊区"),
    ("340722", "枞阳县"),
    ("340800", "安庆市"),
    ("340802", "迎江区"),
    ("340803", "大观区"),
    ("340811", "宜秀区"),
    ("340822", "怀宁县"),
    ("340825", "太湖县"),
    ("340826", "宿松县"),
    ("340827", "望江县"),
    ("340828", "岳西县"),
    ("340881", "桐城市"),
    ("340882", "潜山市"),
    ("341000", "黄山市"),
    ("341002", "屯溪区"),
    ("341003", "黄山区"),
    ("341004", "徽州区"),
    ("341021", "歙县"),
    ("341022", "休宁县"),
    ("341023", "黟县"),
    ("341024", "祁门县"),
    ("341100", "滁州市"),
    ("341102", "琅琊区"),
    ("341103", "南谯区"),
    ("341122", "来安县"),
    ("341124", "全椒县"),
    ("341125", "定远县"),
    ("341126", "凤阳县"),
    ("341181", "天长市"),
    ("341182", "明光市"),
    ("341200", "阜阳市"),
    ("341202", "颍州区"),
    ("341203", "颍东区"),
    ("341204", "颍泉区"),
    ("341221", "临泉县"),
    ("341222", "太和县"),
    ("341225", "阜南县"),
    ("341226", "颍上县"),
    ("341282", "界首市"),
    ("341300", "宿州市"),
    ("341302", "埇桥区"),
    ("341321", "砀山县"),
    ("341322", "萧县"),
    ("341323", "灵璧县"),
    ("341324", "泗县"),
    ("341500", "六安市"),
    ("341502", "金安区"),
    ("341503", "裕安区"),
    ("341504", "叶集区"),
    ("341522", "霍邱县"),
    ("341523", "舒城县"),
    ("341524", "金寨县"),
    ("341525", "霍山县"),
    ("341600", "亳州市"),
    ("341602", "谯城区"),
    ("341621", "涡阳县"),
    ("341622", "蒙城县"),
    ("341623", "利辛县"),
    ("341700", "池州市"),
    ("341702", "贵池区"),
    ("341721", "东至县"),
    ("341722", "石台县"),
    ("341723", "青阳县"),
    ("341800", "宣城市"),
    ("341802", "宣州区"),
    ("341821", "郎溪县"),
    ("341823", "泾县"),
    ("341824", "绩溪县"),
    ("341825", "旌德县"),
    ("341881", "宁国市"),
    ("341882", "广德市"),
)

NAMES: dict[str, str] = dict(DIVISIONS)
CITIES: tuple[str, ...] = tuple(c for c, _ in DIVISIONS if c[4:] == "00" and c[2:] != "0000")
COUNTIES: tuple[str, ...] = tuple(c for c, _ in DIVISIONS if c[4:] != "00")


def city_of(code: str) -> str:
    return code[:4] + "00"


def counties_of(city: str) -> tuple[str, ...]:
    return tuple(c for c in COUNTIES if c[:4] == city[:4])


@dataclass(frozen=True)
class Placement:
    """Where a sample counts: county and city codes ('' when only a higher level is
    known), and whose code said so: "unit" (the sampled unit) or "centre"."""

    province: str
    city: str
    county: str
    source: str


def _by_code(code: str) -> Placement | None:
    if len(code) != 6 or not code.isdigit() or code[:2] != PROVINCE_CODE[:2]:
        return None
    if code in NAMES and code[4:] != "00":
        return Placement(PROVINCE_CODE, city_of(code), code, "")
    if city_of(code) in NAMES and code[2:4] != "00":
        return Placement(PROVINCE_CODE, city_of(code), "", "")
    if code == PROVINCE_CODE:
        return Placement(PROVINCE_CODE, "", "", "")
    return None


def place(unit_code: str, centre_code: str) -> Placement | None:
    """The sample's place from the sampled unit's code, else the centre's; None when
    neither is a code of this province (the sample is then excluded from regional figures)."""
    found = _by_code(unit_code or "")
    if found is not None:
        return Placement(found.province, found.city, found.county, "unit")
    found = _by_code(centre_code or "")
    if found is not None:
        return Placement(found.province, found.city, found.county, "centre")
    return None


def name(code: str) -> str:
    """The division's name; a residual row's name for a city or province code used at a
    lower level is given by the caller."""
    return NAMES.get(code, code)
