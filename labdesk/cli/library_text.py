# ruff: noqa: E501
# A translation table reads best one pair a line, English then Chinese: lines run long.
"""The words `labdesk library …` prints, in the language of `--lang` (Chinese unless
`--lang en`, issue 15.4), as the other commands and the desktop app speak it. JSON
output is not here: its keys and values are the contract (docs/cli.md), the same in
either language.

`say(args, key, **values)` is the one way a library command words its text output;
tests/cli/test_library_text.py checks every key has both languages with the same
placeholders.
"""

from __future__ import annotations

import argparse

from labdesk.cli import cli_language

# key: (English, Chinese); `{name}` placeholders are filled by `say`.
TEXTS: dict[str, tuple[str, str]] = {
    "shipped": (
        "labdesk: no database at {path}: answering from the shipped library (sample data, see `library stats`)",
        "labdesk：{path} 处没有数据库：以随附的标准库作答（样例数据，见 `library stats`）",
    ),
    "sample_mark": (" [sample]", " ［样例数据］"),
    "needs_grade": (
        "labdesk: {number} has graded limits: give --grade to include them",
        "labdesk：{number} 有分等级的限量：请用 --grade 给出质量等级以纳入",
    ),
    "unnamed_product": (
        "labdesk: product standard {number} has limits for this class: name it with --standard (执行标准) to include them",
        "labdesk：产品标准 {number} 对此类别有限量：请用 --standard 给出执行标准以纳入",
    ),
    "limits_head": (
        "{path} ({code}) on {on}: {count} items",
        "{path}（{code}）{on}：{count} 个项目",
    ),
    "sample_data": ("  [SAMPLE DATA]", "  ［样例数据］"),
    "rule_factor": ("expressed as ×{factor}", "以…计 ×{factor}"),
    "rule_gb4789": ("GB 4789.2 rounding", "按 GB 4789.2 修约"),
    "rule_screening": ("screening", "筛查"),
    "rule_class": ("rule of {code}", "{code} 的规则"),
    "rule_join": ("; ", "；"),
    "stats_head": (
        "{classes} food classes; {rows} limit rows: {confirmed} confirmed, {sample} sample data",
        "{classes} 个食品类别；{rows} 行限量：{confirmed} 行已确认，{sample} 行样例数据",
    ),
    "stats_row": (
        "  {standard:<18} {rows:>7} rows  ({confirmed} confirmed, {sample} sample)  {effective} → {abolished}",
        "  {standard:<18} {rows:>7} 行（{confirmed} 行已确认，{sample} 行样例）  {effective} → {abolished}",
    ),
    "templates_file": (
        "{name}: an item-template file (nothing written)",
        "{name}：项目模板文件（未写入）",
    ),
    "templates_stored": ("{count} template entries stored", "已保存 {count} 条模板项目"),
    "classes_valid": (
        "{name}: {count} food classes, valid (nothing written)",
        "{name}：{count} 个食品类别，均有效（未写入）",
    ),
    "no_change": ("no change", "无变化"),
    "classes_changed": ("{count} classes added or changed", "新增或修改了 {count} 个类别"),
    "limits_valid": (
        "{name}: {count} rows of {versions}, valid (nothing written)",
        "{name}：{versions} 共 {count} 行，均有效（未写入）",
    ),
    "import_unchanged": (
        "no change: the library already holds {versions}",
        "无变化：标准库中已有 {versions}",
    ),
    "import_loaded": (
        "loaded {versions} ({rows} limit rows)",
        "已导入 {versions}（{rows} 行限量）",
    ),
    "import_closed": ("closed {versions}", "已废止 {versions}"),
    "import_kept": ("unchanged {versions}", "未变 {versions}"),
    "list_join": (", ", "、"),
    "item_removed": (
        "{sample_no}: item {seq} {name} removed ({reason}); {left} items left",
        "{sample_no}：已删除第 {seq} 项 {name}（{reason}）；剩余 {left} 个项目",
    ),
    "item_added": (
        "{sample_no}: item {seq} {name} {limit} {unit} added ({source})",
        "{sample_no}：已增加第 {seq} 项 {name} {limit} {unit}（{source}）",
    ),
    "rule_set": ("{standard} {item}: rule saved {rule}", "{standard} {item}：规则已保存 {rule}"),
    "rule_same": ("{standard} {item}: no change {rule}", "{standard} {item}：无变化 {rule}"),
    "items_date": ("items_date = {rule}", "项目日期依据 = {rule}"),
}


def say(args: argparse.Namespace, key: str, **values: object) -> str:
    """The text `key` in the language of the run's `--lang`, filled with `values`."""
    english, chinese = TEXTS[key]
    return (english if cli_language(args) == "en" else chinese).format(**values)
