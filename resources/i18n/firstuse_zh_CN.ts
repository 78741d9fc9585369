<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>BatchesScreen</name>
    <message>
        <source>Fewer than {0} judged samples: the rate says little (95 % interval {1}–{2} %).</source>
        <translation>已判定样品少于 {0} 个，比率仅供参考（95% 区间 {1}–{2} %）。</translation>
    </message>
</context>
<context>
    <name>DashboardScreen</name>
    <message>
        <source>Rates from fewer judged samples than</source>
        <translation>已判定样品少于</translation>
    </message>
    <message>
        <source>are drawn hollow, left out of the line; bars: 95 % interval</source>
        <translation>个的月份画为空心点、不连入折线；竖线为 95% 区间</translation>
    </message>
</context>
<context>
    <name>LodDialog</name>
    <message>
        <source>Detection limit — {0}</source>
        <translation>检出限 — {0}</translation>
    </message>
    <message>
        <source>e.g. 0.01</source>
        <translation>例如 0.01</translation>
    </message>
    <message>
        <source>e.g. the method standard and its clause</source>
        <translation>例如：方法标准及条款</translation>
    </message>
    <message>
        <source>Detection limit ({0})</source>
        <translation>检出限（{0}）</translation>
    </message>
    <message>
        <source>Detection limit</source>
        <translation>检出限</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>&amp;Import results…</source>
        <translation>导入结果(&amp;I)…</translation>
    </message>
</context>
<context>
    <name>ManagerCharts</name>
    <message>
        <source>{0}: no judged samples</source>
        <translation>{0}：无已判定样品</translation>
    </message>
    <message>
        <source>{0}: pass rate {1} %, non-conformity rate {2} %</source>
        <translation>{0}：合格率 {1} %，不合格率 {2} %</translation>
    </message>
    <message>
        <source>{0} judged samples</source>
        <translation>已判定样品 {0} 个</translation>
    </message>
    <message>
        <source>95 % interval of the pass rate: {0}–{1} %</source>
        <translation>合格率 95% 区间：{0}–{1} %</translation>
    </message>
    <message>
        <source>Fewer than {0} samples: drawn hollow, off the line</source>
        <translation>样品少于 {0} 个：空心显示，不连入折线</translation>
    </message>
</context>
<context>
    <name>PlanRowsModel</name>
    <message>
        <source>Row</source>
        <translation>行</translation>
    </message>
    <message>
        <source>Sample no.</source>
        <translation>样品编号</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>检验项目</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>检验结果</translation>
    </message>
    <message>
        <source>Verdict</source>
        <translation>判定</translation>
    </message>
    <message>
        <source>Reported as / why refused</source>
        <translation>报告为 / 拒收原因</translation>
    </message>
    <message>
        <source>Refused</source>
        <translation>拒收</translation>
    </message>
</context>
<context>
    <name>ResultEntryScreen</name>
    <message>
        <source>Import results…</source>
        <translation>导入结果…</translation>
    </message>
    <message>
        <source>Import results from an Excel or CSV file: preview, then all rows or none</source>
        <translation>从 Excel 或 CSV 文件导入结果：先预览，再全部导入或全不导入</translation>
    </message>
</context>
<context>
    <name>ResultGridModel</name>
    <message>
        <source>Detection limit of {0}: {1}</source>
        <translation>{0} 的检出限：{1}</translation>
    </message>
</context>
<context>
    <name>ResultImportDialog</name>
    <message>
        <source>Import results from a file</source>
        <translation>从文件导入结果</translation>
    </message>
    <message>
        <source>Result files (*.xlsx *.xls *.csv *.txt);;All files (*)</source>
        <translation>结果文件 (*.xlsx *.xls *.csv *.txt);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Import results</source>
        <translation>导入结果</translation>
    </message>
    <message>
        <source>Choose file…</source>
        <translation>选择文件…</translation>
    </message>
    <message>
        <source>No file chosen.</source>
        <translation>尚未选择文件。</translation>
    </message>
    <message>
        <source>Columns</source>
        <translation>列</translation>
    </message>
    <message>
        <source>Saved mapping</source>
        <translation>已保存的映射</translation>
    </message>
    <message>
        <source>name, e.g. the instrument</source>
        <translation>名称，例如仪器名</translation>
    </message>
    <message>
        <source>Save mapping</source>
        <translation>保存映射</translation>
    </message>
    <message>
        <source>Save as</source>
        <translation>保存为</translation>
    </message>
    <message>
        <source>&amp;Import</source>
        <translation>导入(&amp;I)</translation>
    </message>
    <message>
        <source>— proposed from the column titles —</source>
        <translation>— 按列标题自动识别 —</translation>
    </message>
    <message>
        <source>Checking the file…</source>
        <translation>正在检查文件…</translation>
    </message>
    <message>
        <source>Nothing will be imported.</source>
        <translation>不会导入任何结果。</translation>
    </message>
    <message>
        <source>text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>{0} · {1} bytes · {2}{3} · SHA-256 {4}</source>
        <translation>{0} · {1} 字节 · {2}{3} · SHA-256 {4}</translation>
    </message>
    <message>
        <source>— not in the file —</source>
        <translation>— 文件中没有 —</translation>
    </message>
    <message>
        <source>{0} rows checked, none refused: Import writes all {1} results.</source>
        <translation>已检查 {0} 行，无拒收：导入将写入全部 {1} 条结果。</translation>
    </message>
    <message>
        <source>{0} rows refused: nothing will be imported until they are corrected.</source>
        <translation>{0} 行被拒收：更正之前不会导入任何结果。</translation>
    </message>
    <message>
        <source>Mapping saved as {0}.</source>
        <translation>映射已保存为 {0}。</translation>
    </message>
    <message>
        <source>Imported {0} results.</source>
        <translation>已导入 {0} 条结果。</translation>
    </message>
    <message>
        <source>Importing results…</source>
        <translation>正在导入结果…</translation>
    </message>
</context>
<context>
    <name>ResultTableView</name>
    <message>
        <source>Set the &amp;detection limit…</source>
        <translation>录入检出限(&amp;D)…</translation>
    </message>
</context>
<context>
    <name>SamplingForm</name>
    <message>
        <source>Sampled unit refused to sign</source>
        <translation>被抽样单位拒绝签字</translation>
    </message>
    <message>
        <source>witness (not one of the samplers)</source>
        <translation>见证人（非抽样人员）</translation>
    </message>
    <message>
        <source>A registered form needs the seal and the sampled unit's signature, or its refusal noted with a witness. A draft needs neither yet.</source>
        <translation>登记抽样单须已封样，并有被抽样单位签字；拒绝签字的须注明并填写见证人。草稿暂不需要。</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <source>Signing-key passphrase (to export batches): {0}</source>
        <translation>签名密钥口令（导出批次时使用）：{0}</translation>
    </message>
</context>
</TS>
