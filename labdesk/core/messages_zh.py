# ruff: noqa: E501
# A translation table reads best one pair a line, English then Chinese: lines run long.
"""The Chinese of the messages that were raised in English only (issue 21.8).

Most messages carry their Chinese (`LabDeskError(…, en=…, zh=…)`, or a gloss
"English (中文)" that `core.errors.split_gloss` splits). These did not: each is keyed
here by its English template as raised — `{}` where the raiser put a value — and
`translate` reads a message back against the templates, filling the Chinese with the
same values (themselves translated when they are such a message: "row 3: {}").
tests/core/test_messages_zh.py extracts every English-only message from the sources and
fails when one has no Chinese here, or its Chinese keeps an English word.
"""

from __future__ import annotations

import re
from functools import cache

MESSAGES_ZH: dict[str, str] = {
    "--batch: no exported batch number {}": "--batch：没有序号为 {0} 的已导出批次",
    "--by: one of {}": "--by：应为 {0} 之一",
    "--centres: 1 to {} (one per demo region)": "--centres：1 至 {0}（每个演示地区一个）",
    "--column {}: write FIELD=TITLE with FIELD one of {}": "--column {0}：应写作 FIELD=TITLE，FIELD 为 {1} 之一",
    "--decimals: must be between -12 and 12": "--decimals：须在 -12 与 12 之间",
    "--food: {} names several classes, give a code: {}": "--food：“{0}”对应多个类别，请给出代码：{1}",
    "--min-samples: give a whole number of 1 or more": "--min-samples：请给出 1 或更大的整数",
    "--month {}: use YYYY-MM": "--month {0}：请用 YYYY-MM 格式",
    "--on: {} is not a date written YYYY-MM-DD": "--on：{0} 不是 YYYY-MM-DD 格式的日期",
    "--out: cannot create {}: {}": "--out：无法创建 {0}：{1}",
    "--out: use a .csv or .xlsx file name": "--out：请用 .csv 或 .xlsx 文件名",
    "--password-file: {} is empty": "--password-file：{0} 是空文件",
    "--pdf writes one summary: add --batch SEQ or --pending": "--pdf 只写一份汇总：请加上 --batch SEQ 或 --pending",
    "--sample names the samples; it does not combine with --task/--from/--to": "--sample 已指定样品，不能与 --task/--from/--to 同用",
    "--samples must be 0 or more": "--samples 须为 0 或更大",
    "--samples: at least 20 per centre": "--samples：每个中心至少 20 个",
    "--user: sign in as an admin (or set $LABDESK_USER)": "--user：请以管理员身份登录（或设置 $LABDESK_USER）",
    "--var {} is given twice": "--var {0} 给了两次",
    "--var {}: write NAME=VALUE, e.g. --var rho=12.3": "--var {0}：应写作 NAME=VALUE，如 --var rho=12.3",
    "HQ database schema {} is not {}: it was made by another LabDesk version": "省局数据库结构版本 {0} 不是 {1}：它由另一版本的 LabDesk 创建",
    "PostgreSQL needs psycopg (pip install psycopg[binary])": "使用 PostgreSQL 需要 psycopg（pip install psycopg[binary]）",
    "SM2 public key is not on the curve": "SM2 公钥不在曲线上",
    "USCC prefix: character {} at position {} is not allowed": "统一社会信用代码前 17 位：第 {1} 位的字符 {0} 不允许",
    "USCC prefix: expected 17 characters, got {}": "统一社会信用代码前 17 位：应为 17 个字符，实为 {0} 个",
    "a PostgreSQL HQ needs --workdir DIR for the demo centres": "PostgreSQL 省局库需要用 --workdir DIR 指定演示中心的位置",
    "a batch needs at least one sample": "一个批次至少要有一个样品",
    "a passphrase is required for the key": "密钥需要口令",
    "a private key is 32 bytes": "私钥应为 32 字节",
    "a sample appears twice in the batch": "批次中有样品出现了两次",
    "a signing key already exists ({}…); replacing it needs --replace, and HQ must then be sent the new public key": "签名密钥已存在（{0}…）；替换需要 --replace，之后须把新公钥交给省局",
    "a table is written as .xlsx or .csv": "表格须写为 .xlsx 或 .csv",
    "algorithm must be one of {}": "算法应为 {0} 之一",
    "audit_head must be {{seq, hash}}": "audit_head 应为 {{seq, hash}}",
    "authorization #{} does not exist": "授权 #{0} 不存在",
    "authorization #{} was already withdrawn": "授权 #{0} 已被撤销",
    "bad base64 in PEM public key: {}": "PEM 公钥中的 base64 无效：{0}",
    "batch sequence must be 1 or more": "批次序号须为 1 或更大",
    "batch {} is recorded but {} could not be written ({}); write it again with `labdesk batches rewrite {} --out DIR`": "批次 {0} 已记录，但 {1} 未能写出（{2}）；请用 `labdesk batches rewrite {3} --out DIR` 重新写出",
    "batch_uuid: already recorded": "batch_uuid：已记录过",
    "batch_uuid: not a UUID": "batch_uuid：不是 UUID",
    "cannot change {}": "不能修改 {0}",
    "cannot connect to the HQ database: {}": "无法连接省局数据库：{0}",
    "cannot create the folder {}: {}": "无法创建文件夹 {0}：{1}",
    "cannot create the lock file {}: {}": "无法创建锁文件 {0}：{1}",
    "cannot open the HQ database {}: {}": "无法打开省局数据库 {0}：{1}",
    "cannot read {}: {}": "无法读取 {0}：{1}",
    "cannot write the backup {}: {}": "无法写入备份 {0}：{1}",
    "centre code {} cannot name a batch file: use 1-32 of A-Z a-z 0-9 _ -": "中心代码 {0} 不能用作批次文件名：请用 1 至 32 个 A-Z a-z 0-9 _ - 字符",
    "certified_u: U cannot be negative": "certified_u：不确定度 U 不能为负",
    "code: QC material {} already exists": "代码：质控物 {0} 已存在",
    "code: instrument {} is already registered": "代码：仪器 {0} 已登记",
    "code: method {} already exists": "代码：方法 {0} 已存在",
    "code: {} is not an equipment number": "代码：{0} 不是设备编号",
    "decimals: give a whole number": "小数位数：请给出整数",
    "decimals: must be between -12 and 12": "小数位数：须在 -12 与 12 之间",
    "decision_rule: {} is not one of {}": "判定规则：{0} 不是 {1} 之一",
    "enterprise #{} does not exist": "企业 #{0} 不存在",
    "entry {}: standard and item code are required": "第 {0} 条：须有标准和项目代码",
    "entry {}: {} is listed twice": "第 {0} 条：{1} 列出了两次",
    "export batch #{} does not exist": "导出批次 #{0} 不存在",
    "export batch sequence {} is already used": "导出批次序号 {0} 已被使用",
    "food class {} is not in the classification": "食品类别 {0} 不在分类中",
    "give --period or --from/--to, not both": "请给出 --period 或 --from/--to，不能同时给出",
    "give a report PDF, or --payload TEXT (one of the two)": "请给出报告 PDF 或 --payload TEXT（二者之一）",
    "give at least one --trust PEM (the centre's public key)": "请至少给出一个 --trust PEM（中心的公钥）",
    "give both --from and --to, or neither": "--from 与 --to 须同时给出，或都不给",
    "give either an interval or decimals, not both": "请给出修约间隔或小数位数，不能同时给出",
    "give places or interval, not both": "请给出小数位数或修约间隔，不能同时给出",
    "inputs: a list of the formula's inputs": "输入：应为公式输入的列表",
    "inputs: {} is declared twice": "输入：{0} 声明了两次",
    "interval: {} is not a number": "修约间隔：{0} 不是数字",
    "item {} has no result yet: enter it before a retest": "项目 {0} 尚无结果：复检前请先录入",
    "item_code: the item code it measures": "项目代码：须为所测项目的代码",
    "items: choose the sample items of the run": "项目：请选择本批检测的样品项目",
    "items: one item per sample in a run": "项目：一批检测中每个样品只能有一个项目",
    "items_date: one of {}": "项目日期规则：应为 {0} 之一",
    "kind: crm or control": "类型：应为 crm（有证标准物质）或 control（质控物）",
    "kind: {} is not test or sign": "类型：{0} 不是 test（检验）或 sign（签字）",
    "larger than {} MB": "大于 {0} MB",
    "manifest_sha256: 64 hex digits": "manifest_sha256：应为 64 位十六进制数",
    "max_rel_diff: must be above 0 %": "允许相对偏差：须大于 0 %",
    "method version #{} does not exist": "方法版本 #{0} 不存在",
    "method {} has no version {}": "方法 {0} 没有第 {1} 版",
    "no backup file at {}": "{0} 处没有备份文件",
    "no database at {}": "{0} 处没有数据库",
    "no sample {}": "没有样品 {0}",
    "no terminal to ask for the password: use --password-file": "没有终端可提示输入密码：请用 --password-file",
    "not a PDF file (it does not start with %PDF-)": "不是 PDF 文件（开头不是 %PDF-）",
    "not a PEM public key (BEGIN PUBLIC KEY)": "不是 PEM 公钥（BEGIN PUBLIC KEY）",
    "old password: required": "原密码：必填",
    "organisation code body: need 8 characters": "组织机构代码本体：需要 8 个字符",
    "organisation code body: {} is not 0–9 or A–Z": "组织机构代码本体：{0} 不是 0–9 或 A–Z",
    "outbox folder {} does not exist": "发件箱文件夹 {0} 不存在",
    "period {}: use YYYY, YYYY-Qn, YYYY-MM or all": "期间 {0}：请用 YYYY、YYYY-Qn、YYYY-MM 或 all",
    "places: 0 to 20 decimal places": "小数位数：0 至 20 位",
    "places: give decimal places or an interval": "小数位数：请给出小数位数或修约间隔",
    "portion {}: one of {}": "分样 {0}：应为 {1} 之一",
    "product category {} is not in the library": "产品类别 {0} 不在标准库中",
    "reason: required to accept replicates outside the limit": "原因：接受超出允许差的平行结果须说明原因",
    "reason: required to allow an instrument past its date": "原因：允许使用超期仪器须说明原因",
    "reason: required to cancel a run": "原因：取消一批检测须说明原因",
    "region_code: six digits of GB/T 2260": "行政区划代码：应为 GB/T 2260 的六位数字",
    "region_code: six digits of GB/T 2260 (e.g. 340100)": "行政区划代码：应为 GB/T 2260 的六位数字（如 340100）",
    "report #{} does not exist": "报告 #{0} 不存在",
    "report payload longer than {} bytes: shorten the product name": "报告载荷超过 {0} 字节：请缩短产品名称",
    "result {}: a component is negative": "结果 {0}：有一个分量为负",
    "role: must be one of {}": "角色：应为 {0} 之一",
    "rules: unknown rule {} (known: {})": "规则：未知规则 {0}（已知：{1}）",
    "run item #{} does not exist": "检测批项目 #{0} 不存在",
    "run {} is {}, not held by QC": "检测批 {0} 的状态为 {1}，并未因质控而挂起",
    "sample {} is already in export batch #{}": "样品 {0} 已在导出批次 #{1} 中",
    "sample {} is {}: cannot {} (only when {})": "样品 {0} 的状态为 {1}：不能执行 {2}（仅限 {3} 状态）",
    "sample {} is {}: rule not changed": "样品 {0} 的状态为 {1}：判定规则未修改",
    "sd: must be above 0": "标准差：须大于 0",
    "significant figures: {} is not a whole number ≥ 1": "有效数字：{0} 不是 ≥ 1 的整数",
    "size: a number of millimetres": "尺寸：应为毫米数",
    "spike_low: give both ends of the recovery range, low ≤ high": "加标回收下限：请给出回收率范围的两端，下限 ≤ 上限",
    "standard {} is not in the library": "标准 {0} 不在标准库中",
    "status: one of {}": "状态：应为 {0} 之一",
    "store grant is for a PostgreSQL database (--db postgresql://…)": "store grant 只用于 PostgreSQL 数据库（--db postgresql://…）",
    "stored batch file name {} is not a batch file name": "所存的批次文件名 {0} 不是批次文件名",
    "task #{} does not exist": "任务 #{0} 不存在",
    "task category: one of {}": "任务类别：应为 {0} 之一",
    "test item #{} does not exist": "检验项目 #{0} 不存在",
    "the HQ database already holds batches; the demo needs an empty one": "省局数据库中已有批次；演示需要一个空库",
    "the PDF carries no LabDesk report signature: not a report issued by LabDesk, or its signature was removed": "此 PDF 没有 LabDesk 报告签名：不是 LabDesk 签发的报告，或签名已被去除",
    "the category and sampling date fix the test items: cancel the sample and register it again to change them": "检验项目由类别和抽样日期决定：要更改，请作废此样品并重新登记",
    "the centre is not set up": "检验中心尚未建立",
    "the database URL {} is not a valid libpq URL: {}": "数据库地址 {0} 不是有效的 libpq 地址：{1}",
    "the file was changed after issue: its bytes are not what the centre signed": "文件在签发后被改动：其内容不是中心所签的内容",
    "the file was changed after issue: {}": "文件在签发后被改动：{0}",
    "the file was signed by key {}…, the payload by {}…": "文件由密钥 {0}… 签名，载荷却由 {1}… 签名",
    "the key's argon2id cost ({} KiB, t={}) is below the passwords' ({} KiB, t={})": "密钥的 argon2id 强度（{0} KiB，t={1}）低于密码的强度（{2} KiB，t={3}）",
    "the manifest signs no audit head": "清单中没有签入审计链头",
    "the payload is not what the centre's key signed: it was edited, truncated or re-encoded after issue": "载荷不是中心密钥所签的内容：签发后被编辑、截断或重新编码",
    "the payload names another key than the signer's": "载荷所指的密钥不是签名者的密钥",
    "the period ends before it starts": "期间的结束早于开始",
    "the report content in the file (items, results, limits, verdicts) is not the content the payload was signed over": "文件中的报告内容（项目、结果、限量、判定）不是载荷签名时的内容",
    "the report says it is from centre {} and was signed by key {}…, which is none of the trusted keys ({}): another centre's key, or a forgery": "报告自称来自中心 {0}，由密钥 {1}… 签名，但它不在受信任的密钥中（{2}）：是其他中心的密钥，或是伪造",
    "the source and the target are the same database": "源与目标是同一个数据库",
    "the stored private key does not match its public key": "所存私钥与其公钥不匹配",
    "the stored private key is unreadable: {}": "所存私钥无法读取：{0}",
    "the two passwords differ": "两次输入的密码不一致",
    "the two {}s differ": "两次输入的{0}不一致",
    "this report's PDF as issued is already kept; it is never replaced": "此报告签发时的 PDF 已保存；它永不替换",
    "unknown breakdown: {}": "未知的分类汇总：{0}",
    "unknown drill-down: {}": "未知的明细查询：{0}",
    "unknown field: {}": "未知字段：{0}",
    "unknown outcome: {}": "未知的结果类别：{0}",
    "unknown state(s): {}": "未知状态：{0}",
    "unreadable batch file: {}": "无法读取的批次文件：{0}",
    "unsupported SQLite URL {}: use sqlite:///path": "不支持的 SQLite 地址 {0}：请用 sqlite:///路径",
    "unusable public key: {}": "无法使用的公钥：{0}",
    "user #{} does not exist": "用户 #{0} 不存在",
    "values: at most {} points": "数值：最多 {0} 个点",
    "who is doing this? give --user NAME (or set ${})": "由谁操作？请给出 --user NAME（或设置 ${0}）",
    "wrong passphrase for the signing key": "签名密钥的口令错误",
    "you cannot disable your own account": "不能停用自己的账户",
    "you cannot remove your own administrator role": "不能移除自己的管理员角色",
    "{} already exists; choose another file name": "{0} 已存在；请另选文件名",
    "{} changed while opening it: open it again": "{0} 在打开过程中被改动：请重新打开",
    "{} fails audit verification ({}); not restored": "{0} 未通过审计校验（{1}）；未恢复",
    "{} has schema {}, older than the food library: open it once with this LabDesk to upgrade it": "{0} 的数据库结构版本为 {1}，早于食品库：请用本版 LabDesk 打开一次以升级",
    "{} is damaged: {}": "{0} 已损坏：{1}",
    "{} is empty": "{0} 是空的",
    "{} is larger than {} bytes": "{0} 大于 {1} 字节",
    "{} is missing from the archive": "压缩包中缺少 {0}",
    "{} is not a LabDesk database": "{0} 不是 LabDesk 数据库",
    "{} is not a city of the province": "{0} 不是本省的市",
    "{} is not empty; the demo writes its centres there": "{0} 不是空的；演示要把各中心写在那里",
    "{} is open read-only": "{0} 以只读方式打开",
    "{} lacks the tables {}: not the same schema": "{0} 缺少表 {1}：数据库结构不同",
    "{} may not change instrument mappings": "{0} 无权修改仪器对应关系",
    "{} needed: give a file option or set ${}": "需要{0}：请给出文件选项或设置 ${1}",
    "{}: '*' must be the last level": "{0}：“*”只能是最后一级",
    "{}: a date is required": "{0}：须有日期",
    "{}: a {} names the routine sample of the run it repeats": "{0}：{1} 须指明它所重复的本批常规样品",
    "{}: cannot be changed here": "{0}：不能在此修改",
    "{}: cannot read {}: {}": "{0}：无法读取 {1}：{2}",
    "{}: cannot switch the database to WAL mode ({})": "{0}：无法把数据库切换到 WAL 模式（{1}）",
    "{}: every input needs a name": "{0}：每个输入都需要名称",
    "{}: give the value as decimal text or Decimal, not {}": "{0}：数值应为十进制文本或 Decimal，而不是 {1}",
    "{}: item {} of {} appears twice": "{0}：{2} 的项目 {1} 出现了两次",
    "{}: label {} is already in the run": "{0}：标签 {1} 已在本批检测中",
    "{}: no report has been issued yet": "{0}：尚未签发报告",
    "{}: not a certified material": "{0}：不是有证标准物质",
    "{}: not a date (YYYY-MM-DD): {}": "{0}：不是日期（YYYY-MM-DD）：{1}",
    "{}: not a field of an instrument": "{0}：不是仪器的字段",
    "{}: only a signed-in person can change their own password": "{0}：只有已登录的本人才能修改自己的密码",
    "{}: reason required to change a result of {}, already submitted": "{0}：修改已提交的 {1} 的结果须说明原因",
    "{}: required for a control material": "{0}：质控物必填",
    "{}: test item #{} does not exist": "{0}：检验项目 #{1} 不存在",
    "{}: the material has no SD": "{0}：该物质没有标准差",
    "{}: the method states no LOD for a blank": "{0}：方法未规定空白的检出限",
    "{}: the method states no permitted difference": "{0}：方法未规定允许差",
    "{}: the method states no recovery range": "{0}：方法未规定回收率范围",
    "{}: the session is not this account's": "{0}：当前会话不属于此账户",
    "{}: use .xlsx, .csv or .json": "{0}：请用 .xlsx、.csv 或 .json",
    "{}: {} has no result yet to retest": "{0}：{1} 尚无可复检的结果",
    "{}: {} is a material of {}": "{0}：{1} 是 {2} 的质控物",
    "{}: {} is not a QC kind": "{0}：{1} 不是质控类型",
    "{}: {} is not a finite number": "{0}：{1} 不是有限数",
    "{}: {}, and the file's last changes are still in its -wal file, which cannot be read without creating a -shm file: copy the database and its -wal file to a writable folder": "{0}：{1}，且文件最后的改动仍在其 -wal 文件中，不创建 -shm 文件就无法读取：请把数据库及其 -wal 文件复制到可写的文件夹",
    "{}: {}; LabDesk can read it but cannot save changes there — copy it to a writable folder to change it": "{0}：{1}；LabDesk 可以读取，但不能在那里保存修改——要修改请复制到可写的文件夹",
    "row {}": "第 {0} 行",
    # Composites: a prefix before another message (its own translation fills {1}).
    "{}: {}": "{0}：{1}",
    "{}[{}]: {}": "{0}[{1}]：{2}",
}

# The other way: messages raised in Chinese only, or mixed so that no split reads them.
MESSAGES_EN: dict[str, str] = {
    "文件不存在: {}": "no such file: {0}",
    "无法读取 Excel 97-2003 文件 {}: {}": "cannot read the Excel 97-2003 file {0}: {1}",
    "无法读取 Excel 文件 {}: {}": "cannot read the Excel file {0}: {1}",
    "结束日期早于开始日期": "the end date is before the start date",
    "文件中没有列“{}”": "the file has no column “{0}”",
    "列“{}”同时用作“{}”和“{}”": "column “{0}” is used for both “{1}” and “{2}”",
    "第 {} 行: {} (nothing imported / 未导入任何结果)": "row {0}: {1} (nothing imported)",
    "报告字体缺失 / report font missing: {}": "report font missing: {0}",
    "报告字体无法加载 / cannot load the report font: {}": "cannot load the report font: {0}",
    "{}: levels must go up (层级须递增): {}": "{0}: levels must go up: {1}",
    "method: {} must be 'full' (全数值比较法) or 'rounded' (修约值比较法)": "method: {0} must be 'full' or 'rounded'",
    "{}: 只支持 .xlsx、.xls 和 .csv 文件 (only .xlsx / .xls / .csv)": "{0}: only .xlsx / .xls / .csv files",
}

# Words a message names as data (a state, a code): kept as they are, never "translated".
_VALUE = "(.+?)"
# Templates whose value is a number: "row {}" must not read "row 3: …" whole.
_NUMBER = r"(\d+)"
_NUMBERED = {"row {}"}


@cache
def _patterns(to_english: bool = False) -> list[tuple[re.Pattern[str], str]]:
    compiled = []
    for english, chinese in (MESSAGES_EN if to_english else MESSAGES_ZH).items():
        literal = english.replace("{{", "\0").replace("}}", "\1")
        parts = [re.escape(p.replace("\0", "{").replace("\1", "}")) for p in literal.split("{}")]
        value = _NUMBER if english in _NUMBERED else _VALUE
        compiled.append((re.compile(value.join(parts), re.S), chinese))
    # The longest literal text first, so "{}: {}" is the last resort.
    compiled.sort(key=lambda pair: -len(re.sub(r"\(\.\+\?\)|\(\\d\+\)", "", pair[0].pattern)))
    return compiled


def translate_en(message: str) -> str | None:
    """`message` (raised in Chinese) in English, or None when no template reads it."""
    return translate(message, 2, to_english=True)


def translate(message: str, depth: int = 0, *, to_english: bool = False) -> str | None:
    """`message` in Chinese, or None when no template reads it."""
    for pattern, chinese in _patterns(to_english):
        found = pattern.fullmatch(message)
        if found is None:
            continue
        values = [
            (translate(value, depth + 1) if depth < 2 else None) or value
            for value in found.groups()
        ]
        return (
            chinese.replace("{{", "\0")
            .replace("}}", "\1")
            .format(*values)
            .replace("\0", "{")
            .replace("\1", "}")
        )
    return None
