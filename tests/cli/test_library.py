"""`labdesk library foods | limits | stats | import | settings`: the contract fields."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from labdesk.cli import main

PASSWORD = "correct-horse-1"


@pytest.fixture
def lab(tmp_path: Path) -> tuple[Path, Path]:
    db = tmp_path / "lab.sqlite"
    secret = tmp_path / "pw.txt"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    secret.chmod(0o600)
    args = ["--db", str(db), "setup", "--name", "中心", "--code", "HF01", "--region", "340100"]
    assert main([*args, "--admin", "admin", "--password-file", str(secret)]) == 0
    return db, secret


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> Any:
    capsys.readouterr()
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_foods_prints_the_tree(lab: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    tree = _json(capsys, ["--db", str(lab[0]), "library", "foods", "--json"])
    assert isinstance(tree, dict) and tree["code"] == "F"

    def walk(node: dict[str, object]) -> list[dict[str, object]]:
        children = node["children"]
        assert isinstance(children, list)
        return [node] + [n for child in children for n in walk(child)]

    nodes = walk(tree)
    assert len(nodes) >= 100 and all({"code", "name", "children"} <= set(n) for n in nodes)
    assert any(n["name"] == "大米" and n["children"] == [] for n in nodes)


def test_limits_of_rice_name_where_each_came_from(
    lab: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["--db", str(lab[0]), "library", "limits", "--food", "大米", "--on", "2025-05-01"]
    items = _json(capsys, [*base, "--standard", "GB/T 1354-2018", "--grade", "二级", "--json"])
    assert isinstance(items, list)
    for item in items:
        assert {"name", "limit_text", "unit", "standard_no", "source", "sample_data"} <= set(item)
        assert isinstance(item["sample_data"], bool)
    lead = next(i for i in items if i["name"] == "铅")
    assert lead["source"] == "GB 2762-2022 表1, 谷物及其制品 → 大米"
    assert {i["standard_no"] for i in items} == {"GB 2762", "GB 2761", "GB 2763", "GB/T 1354"}
    assert next(i for i in items if i["name"] == "碎米总量")["limit_text"] == "≤20.0"
    old = _json(
        capsys,
        [
            "--db",
            str(lab[0]),
            "library",
            "limits",
            "--food",
            "结球甘蓝",
            "--on",
            "2020-01-01",
            "--json",
        ],
    )
    assert isinstance(old, list)
    assert {i["standard_year"] for i in old if i["standard_no"] == "GB 2762"} == {"2017"}
    capsys.readouterr()
    assert main(["--lang", "en", *base[:5], "面包", "--json"]) == 2
    assert "no food class" in capsys.readouterr().err


def test_stats_count_by_standard_and_by_confirmed_or_sample(
    lab: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    figures = _json(capsys, ["--db", str(lab[0]), "library", "stats", "--json"])
    assert isinstance(figures, dict)
    assert figures["by_status"] == {"confirmed": 7, "sample": figures["sample"]}
    assert {e["standard"] for e in figures["by_standard"]} >= {"GB 2762-2022", "GB 2763-2021"}
    assert sum(e["rows"] for e in figures["by_standard"]) == figures["rows"]


def test_import_loads_then_says_no_change(
    lab: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, secret = lab
    path = tmp_path / "gb2763.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "标准编号",
                "实施日期",
                "代替标准",
                "农药",
                "项目代码",
                "食品类别/名称",
                "最大残留限量/(mg/kg)",
            ]
        )
        writer.writerow(
            ["GB 2763-2099", "2099-01-01", "GB 2763-2021", "克百威", "carbofuran", "大米", "0.01*"]
        )
    argv = [
        "--db",
        str(db),
        "library",
        "import",
        str(path),
        "--user",
        "admin",
        "--password-file",
        str(secret),
    ]
    capsys.readouterr()
    assert main(argv) == 0
    assert "已导入 GB 2763-2099（1 行限量）" in capsys.readouterr().out  # Chinese by default
    assert main(["--lang", "en", *argv]) == 0
    assert capsys.readouterr().out.startswith("no change: the library already holds")
    assert main(argv) == 0
    assert capsys.readouterr().out.startswith("无变化：标准库中已有 GB 2763-2099")
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "标准编号,农药,食品类别/名称,最大残留限量\nGB 2763-2099,克百威,面包,0.01\n",
        encoding="utf-8",
    )
    assert main([*argv[:4], str(bad), *argv[5:]]) == 2
    err = capsys.readouterr().err
    assert "row 2" in err and "unknown food class" in err and "nothing was loaded" in err


def test_a_missing_database_is_answered_from_the_shipped_library(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "none.sqlite"
    capsys.readouterr()
    assert main(["--db", str(missing), "library", "stats", "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["classes"] >= 100
    assert "随附的标准库" in captured.err
    assert main(["--lang", "en", "--db", str(missing), "library", "stats", "--json"]) == 0
    assert "shipped library" in capsys.readouterr().err
    assert not missing.exists()


def test_settings_need_an_admin(lab: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    db, secret = lab
    argv = ["--db", str(db), "library", "settings", "--items-date", "production_date"]
    assert main([*argv, "--user", "admin", "--password-file", str(secret)]) == 0
    assert "production_date" in capsys.readouterr().out


def test_templates_are_listed_and_replaced_from_a_file(
    lab: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, secret = lab
    listed = _json(capsys, ["--db", str(db), "library", "templates", "--json"])
    assert isinstance(listed, list)
    rice = [t for t in listed if t["class_code"] == "F0102"]
    assert {t["item_code"] for t in rice} >= {"PB", "CD", "AFB1"}
    assert rice[0]["class_path"] == "粮食加工品 / 大米"
    path = tmp_path / "templates.csv"
    path.write_text(
        "class_code,standard_no,item_code,test_method\nF0102,GB 2762,PB,GB 5009.12\n",
        encoding="utf-8",
    )
    argv = [
        "--db",
        str(db),
        "library",
        "import",
        str(path),
        "--user",
        "admin",
        "--password-file",
        str(secret),
    ]
    assert main(argv) == 0
    after = _json(capsys, ["--db", str(db), "library", "templates", "--json"])
    assert isinstance(after, list)
    assert [t["item_code"] for t in after if t["class_code"] == "F0102"] == ["PB"]
    items = _json(capsys, ["--db", str(db), "library", "limits", "--food", "大米", "--json"])
    assert isinstance(items, list) and len(items) > 1  # limits stay; the template proposes


def test_add_item_puts_one_more_item_on_a_food_sample_with_its_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from datetime import date

    from labdesk.services import samples
    from tests.batch.centre import PASSWORD as CENTRE_PASSWORD
    from tests.batch.centre import make_centre

    centre = make_centre(tmp_path / "c.sqlite")
    samples.register_sample(
        centre.tech,
        samples.SampleForm(
            sample_no="AH2026F0001",
            sample_name="大米",
            category_code="",
            food_class_code="F01020101",
            sampling_date=date(2026, 10, 1),
            enterprise_uscc="914403001922038216",
            task_no="T2026-001",
            samplers=["张三", "李四"],
            sealed=True,
            unit_acknowledged=True,
            sample_qty="2",
            qty_unit="kg",
        ),
    )
    centre.db.close()
    secret = tmp_path / "tech.txt"
    secret.write_text(CENTRE_PASSWORD + "\n", encoding="utf-8")
    secret.chmod(0o600)
    base = ["--db", str(tmp_path / "c.sqlite"), "library", "add-item", "AH2026F0001"]
    auth = ["--user", "tech", "--password-file", str(secret)]
    capsys.readouterr()
    assert main([*base, "--item", "GB 2762|SN", "--reason", " ", *auth]) == 2
    assert "原因" in capsys.readouterr().err
    added = _json(
        capsys, [*base, "--item", "GB 2762|SN", "--reason", "罐装加测锡", "--json", *auth]
    )
    assert isinstance(added, dict)
    assert (added["name"], added["limit_text"], added["standard"]) == ("锡", "≤250", "GB 2762-2022")
    assert added["source"].startswith("GB 2762-2022") and added["sample_data"] is False
    assert main([*base, "--item", "GB 2762|SN", "--reason", "again", *auth]) == 2
    assert "已在该样品上" in capsys.readouterr().err
    assert main([*base, "--item", "GB 2762|NOPE", "--reason", "x", *auth]) == 2
    assert "没有适用" in capsys.readouterr().err
    # remove-item takes it off again, with a reason; the sample keeps it, withdrawn.
    remove = ["--db", str(tmp_path / "c.sqlite"), "library", "remove-item", "AH2026F0001"]
    assert main([*remove, "--item", "GB 2762|SN", "--reason", "", *auth]) == 2
    assert "原因" in capsys.readouterr().err
    removed = _json(
        capsys, [*remove, "--item", "GB 2762|SN", "--reason", "委托方取消", "--json", *auth]
    )
    assert isinstance(removed, dict)
    assert (removed["name"], removed["code"], removed["reason"]) == ("锡", "SN", "委托方取消")
    assert removed["withdrawn_at"] and removed["items_left"] >= 1
    assert main([*remove, "--item", "GB 2762|SN", "--reason", "again", *auth]) == 2
    assert "样品无检验项目 GB 2762|SN" in capsys.readouterr().err
    # A removed item may be added back: a new number on the sample.
    again = _json(capsys, [*base, "--item", "GB 2762|SN", "--reason", "恢复", "--json", *auth])
    assert isinstance(again, dict) and again["seq"] > added["seq"]
    assert main([*remove, "--item", str(again["seq"]), "--reason", "再次取消", *auth]) == 0
    assert f"AH2026F0001：已删除第 {again['seq']} 项 锡（再次取消）" in capsys.readouterr().out
    assert main(["--lang", "en", *base, "--item", "GB 2762|SN", "--reason", "恢复", *auth]) == 0
    out = capsys.readouterr().out
    assert out.startswith("AH2026F0001: item ") and " 锡 ≤250 mg/kg added (GB 2762-2022" in out
    seq = out.split()[2]
    assert main(["--lang", "en", *remove, "--item", seq, "--reason", "再次取消", *auth]) == 0
    assert f"item {seq} 锡 removed (再次取消)" in capsys.readouterr().out
    assert main([*base, "--item", "GB 2762|SN", "--reason", "恢复", *auth]) == 0
    assert " 锡 ≤250 mg/kg（GB 2762-2022" in capsys.readouterr().out


def test_text_output_follows_lang_and_json_does_not(
    lab: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["--db", str(lab[0]), "library"]
    limits = [*base, "limits", "--food", "大米", "--on", "2025-05-01"]
    outputs = {}
    for lang in ("zh", "en"):
        capsys.readouterr()
        assert main(["--lang", lang, *limits]) == 0
        out = capsys.readouterr().out
        assert main(["--lang", lang, *base, "foods"]) == 0
        foods = capsys.readouterr().out
        assert main(["--lang", lang, *base, "stats"]) == 0
        outputs[lang] = (out, foods, capsys.readouterr().out)
    zh, en = outputs["zh"], outputs["en"]
    assert "2025-05-01：" in zh[0] and "个项目" in zh[0] and "［样例数据］" in zh[0]
    assert " on 2025-05-01: " in en[0] and "[SAMPLE DATA]" in en[0]
    assert "items" not in zh[0] and "SAMPLE" not in zh[0]
    assert "［样例数据］" in zh[1] and " [sample]" in en[1]
    assert "个食品类别" in zh[2] and "food classes" in en[2] and "rows" not in zh[2]
    # without --lang: Chinese, as the other commands
    capsys.readouterr()
    assert main(limits) == 0
    assert capsys.readouterr().out == zh[0]
    # JSON is the contract: the same in either language
    assert _json(capsys, ["--lang", "en", *limits, "--json"]) == _json(capsys, [*limits, "--json"])


def test_every_library_text_has_both_languages_with_the_same_placeholders() -> None:
    import re
    import string

    from labdesk.cli.library_text import TEXTS

    cjk = re.compile(r"[\u4e00-\u9fff]")
    for key, (english, chinese) in TEXTS.items():
        names = {f[1] for f in string.Formatter().parse(english) if f[1]}
        assert names == {f[1] for f in string.Formatter().parse(chinese) if f[1]}, key
        if names or english.strip(" ;,"):
            assert english != chinese or not cjk.search(english), key


def test_set_rule_sets_a_version_or_class_rule_and_limits_show_it(
    lab: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    db, secret = lab
    auth = ["--user", "admin", "--password-file", str(secret)]
    rule = ["--db", str(db), "library", "set-rule", "--standard", "GB 2762-2022", "--item"]
    limits = ["--db", str(db), "library", "limits", "--food", "F01020101", "--json"]
    capsys.readouterr()
    assert main([*rule, "PB", "--factor", "0", "--reason", "x", *auth]) == 2
    assert "换算系数" in capsys.readouterr().err  # refused naming the field, in Chinese
    done = _json(capsys, [*rule, "PB", "--factor", "1.5", "--reason", "换算", "--json", *auth])
    assert done == {
        "standard": "GB 2762-2022",
        "item": "PB",
        "rule_class": "",
        "changed": True,
        "factor": "1.5",
        "rounding": "gb8170",
        "screening": False,
    }
    assert main([*rule, "PB", "--screening", "yes", "--food", "大米", "--reason", "筛", *auth]) == 0
    assert "规则已保存" in capsys.readouterr().out
    lead = next(i for i in _json(capsys, limits) if i["code"] == "PB")
    # the class rule started from the version's (the factor kept) and is the rice's
    assert (lead["factor"], lead["screening"], lead["rule_class"]) == ("1.5", True, "F01020101")
    assert main(["--lang", "en", *rule, "PB", "--food", "大米", "--withdraw", "--reason", "撤回",
                 *auth]) == 0  # fmt: skip
    assert "rule saved" in capsys.readouterr().out
    lead = next(i for i in _json(capsys, limits) if i["code"] == "PB")
    assert (lead["factor"], lead["screening"], lead["rule_class"]) == ("1.5", False, "")
    assert main([*rule, "PB", "--withdraw", "--reason", "x", *auth]) == 2
