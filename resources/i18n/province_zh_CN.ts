<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
  <context>
    <name>EnterprisePage</name>
    <message>
      <source>Enterprise {0}</source>
      <translation>企业 {0}</translation>
    </message>
    <message>
      <source>&lt;b&gt;{0}&lt;/b&gt;&lt;br&gt;Unified social credit code {1}&lt;br&gt;Samples {2}, passed {3}, failed {4}; failing items: {5}&lt;br&gt;Centres: {6}</source>
      <translation>&lt;b&gt;{0}&lt;/b&gt;&lt;br&gt;统一社会信用代码 {1}&lt;br&gt;抽检 {2} 批次，合格 {3}，不合格 {4}；不合格项目：{5}&lt;br&gt;检验机构：{6}</translation>
    </message>
    <message>
      <source>Repeat non-conformity within 24 months: {0} occurrence(s)</source>
      <translation>24个月内重复不合格：{0} 次</translation>
    </message>
    <message>
      <source>No repeat non-conformity within 24 months</source>
      <translation>24个月内无重复不合格</translation>
    </message>
    <message>
      <source>Centre</source>
      <translation>检验机构</translation>
    </message>
    <message>
      <source>Sample no.</source>
      <translation>样品编号</translation>
    </message>
    <message>
      <source>Report no.</source>
      <translation>报告编号</translation>
    </message>
    <message>
      <source>Sampling date</source>
      <translation>抽样日期</translation>
    </message>
    <message>
      <source>Class</source>
      <translation>产品类别</translation>
    </message>
    <message>
      <source>Conclusion</source>
      <translation>结论</translation>
    </message>
    <message>
      <source>Failing items</source>
      <translation>不合格项目</translation>
    </message>
    <message>
      <source>Earlier failure</source>
      <translation>前次不合格</translation>
    </message>
    <message>
      <source>Later failure</source>
      <translation>后次不合格</translation>
    </message>
    <message>
      <source>Days apart</source>
      <translation>相隔天数</translation>
    </message>
    <message>
      <source>Same items</source>
      <translation>相同项目</translation>
    </message>
    <message>
      <source>Repeat non-conformity evidence</source>
      <translation>重复不合格证据</translation>
    </message>
    <message>
      <source>Samples</source>
      <translation>抽检批次</translation>
    </message>
</context>
<context>
    <name>HqAlertsScreen</name>
    <message>
      <source>Item</source>
      <translation>检验项目</translation>
    </message>
    <message>
      <source>Class</source>
      <translation>产品类别</translation>
    </message>
    <message>
      <source>City</source>
      <translation>市</translation>
    </message>
    <message>
      <source>Window</source>
      <translation>检测窗口</translation>
    </message>
    <message>
      <source>Failed / judged</source>
      <translation>不合格 / 判定</translation>
    </message>
    <message>
      <source>History failed / judged</source>
      <translation>历史不合格 / 判定</translation>
    </message>
    <message>
      <source>p</source>
      <translation>p 值</translation>
    </message>
    <message>
      <source>q (BH)</source>
      <translation>q 值（BH）</translation>
    </message>
    <message>
      <source>Centre</source>
      <translation>检验机构</translation>
    </message>
    <message>
      <source>Sample no.</source>
      <translation>样品编号</translation>
    </message>
    <message>
      <source>Report no.</source>
      <translation>报告编号</translation>
    </message>
    <message>
      <source>Sampling date</source>
      <translation>抽样日期</translation>
    </message>
    <message>
      <source>Enterprise</source>
      <translation>企业</translation>
    </message>
    <message>
      <source>Failing items</source>
      <translation>不合格项目</translation>
    </message>
    <message>
      <source>Failed samples behind the alert</source>
      <translation>预警所依据的不合格样品</translation>
    </message>
    <message>
      <source>Testing failure rates…</source>
      <translation>正在检验不合格率…</translation>
    </message>
    <message>
      <source>Window ending {0}: {1} cells tested. Method: one-sided Fisher exact test of the last 3 months against the previous 12 months of the same item, class and city, Benjamini–Hochberg false discovery rate 5 %.</source>
      <translation>截至 {0} 的检测窗口：共检验 {1} 个单元。方法：同一检验项目、产品类别和城市最近 3 个月与此前 12 个月比较的单侧 Fisher 精确检验，Benjamini–Hochberg 错误发现率 5%。</translation>
    </message>
    <message>
      <source>{0} alert(s)</source>
      <translation>{0} 条预警</translation>
    </message>
    <message>
      <source>No alerts</source>
      <translation>无预警</translation>
    </message>
</context>
<context>
    <name>HqCreditScreen</name>
    <message>
      <source>Code or name</source>
      <translation>代码或名称</translation>
    </message>
    <message>
      <source>Only &amp;repeat offenders</source>
      <translation>只看重复不合格(&amp;R)</translation>
    </message>
    <message>
      <source>Export list…</source>
      <translation>导出名单…</translation>
    </message>
    <message>
      <source>Unified social credit code</source>
      <translation>统一社会信用代码</translation>
    </message>
    <message>
      <source>Enterprise</source>
      <translation>企业</translation>
    </message>
    <message>
      <source>Samples</source>
      <translation>抽检批次</translation>
    </message>
    <message>
      <source>Failed</source>
      <translation>不合格</translation>
    </message>
    <message>
      <source>Failing items</source>
      <translation>不合格项目</translation>
    </message>
    <message>
      <source>Centres</source>
      <translation>检验机构</translation>
    </message>
    <message>
      <source>Repeat within 24 months</source>
      <translation>24个月内重复不合格</translation>
    </message>
    <message>
      <source>Find</source>
      <translation>查找</translation>
    </message>
    <message>
      <source>Reading enterprise records…</source>
      <translation>正在读取企业记录…</translation>
    </message>
    <message>
      <source>Not attributed to an enterprise: {0} samples</source>
      <translation>未归入企业：{0} 个样品</translation>
    </message>
    <message>
      <source>Yes</source>
      <translation>是</translation>
    </message>
    <message>
      <source>Export the credit list</source>
      <translation>导出企业质量信用名单</translation>
    </message>
    <message>
      <source>Excel workbook (*.xlsx);;CSV (*.csv);;JSON (*.json)</source>
      <translation>Excel 工作簿 (*.xlsx);;CSV (*.csv);;JSON (*.json)</translation>
    </message>
    <message>
      <source>Exporting…</source>
      <translation>正在导出…</translation>
    </message>
    <message>
      <source>Credit list written to {0}</source>
      <translation>信用名单已写入 {0}</translation>
    </message>
</context>
<context>
    <name>HqLabels</name>
    <message>
      <source>Pass</source>
      <translation>合格</translation>
    </message>
    <message>
      <source>Fail</source>
      <translation>不合格</translation>
    </message>
    <message>
      <source>Not judged</source>
      <translation>不判定</translation>
    </message>
    <message>
      <source>{0} whose report was withdrawn</source>
      <translation>{0} 个报告已作废</translation>
    </message>
    <message>
      <source>{0} from centres without a region code (labdesk-batch/1, quarantined)</source>
      <translation>{0} 个来自无地区代码的中心（labdesk-batch/1，已隔离）</translation>
    </message>
    <message>
      <source>{0} whose unit and centre codes are outside the province</source>
      <translation>{0} 个受检单位与中心代码均不在本省</translation>
    </message>
    <message>
      <source>{0} not judged</source>
      <translation>{0} 个不判定</translation>
    </message>
    <message>
      <source>{0} whose task states no organising level</source>
      <translation>{0} 个任务未注明组织级别</translation>
    </message>
    <message>
      <source>{0} without an enterprise code</source>
      <translation>{0} 个无统一社会信用代码</translation>
    </message>
    <message>
      <source>{0} whose enterprise code fails GB 32100</source>
      <translation>{0} 个统一社会信用代码不符合 GB 32100</translation>
    </message>
    <message>
      <source>Nothing to export yet: the figures have not been read. Press F5 to read them again.</source>
      <translation>尚无可导出的数据：数据尚未读取。请按 F5 重新读取。</translation>
    </message>
</context>
<context>
    <name>HqRatesScreen</name>
    <message>
      <source>All periods</source>
      <translation>全部期间</translation>
    </message>
    <message>
      <source>The figures below are still those of the previous filter ({0}), not of the filter chosen: press F5 to read them for the filter chosen.</source>
      <translation>下方数据仍是上一筛选（{0}）的结果，不是所选筛选条件的结果：按 F5 按所选筛选条件重新读取。</translation>
    </message>
    <message>
      <source>All classes</source>
      <translation>全部类别</translation>
    </message>
    <message>
      <source>All levels</source>
      <translation>全部级别</translation>
    </message>
    <message>
      <source>&amp;Up</source>
      <translation>上一级(&amp;U)</translation>
    </message>
    <message>
      <source>Export to &amp;Excel…</source>
      <translation>导出 Excel(&amp;E)…</translation>
    </message>
    <message>
      <source>Pass rate</source>
      <translation>合格率</translation>
    </message>
    <message>
      <source>Non-conformity rate</source>
      <translation>不合格率</translation>
    </message>
    <message>
      <source>Samples judged</source>
      <translation>判定批次</translation>
    </message>
    <message>
      <source>Change vs previous period</source>
      <translation>较上期变化（百分点）</translation>
    </message>
    <message>
      <source>Period</source>
      <translation>期间</translation>
    </message>
    <message>
      <source>Class</source>
      <translation>产品类别</translation>
    </message>
    <message>
      <source>Level</source>
      <translation>级别</translation>
    </message>
    <message>
      <source>By organising level</source>
      <translation>按组织级别</translation>
    </message>
    <message>
      <source>Monthly trend</source>
      <translation>月度趋势</translation>
    </message>
    <message>
      <source>Samples behind the selected row</source>
      <translation>所选行的样品</translation>
    </message>
    <message>
      <source>Code</source>
      <translation>代码</translation>
    </message>
    <message>
      <source>Name</source>
      <translation>名称</translation>
    </message>
    <message>
      <source>Judged</source>
      <translation>判定批次</translation>
    </message>
    <message>
      <source>Passed</source>
      <translation>合格</translation>
    </message>
    <message>
      <source>Failed</source>
      <translation>不合格</translation>
    </message>
    <message>
      <source>Previous pass rate</source>
      <translation>上期合格率</translation>
    </message>
    <message>
      <source>Change (points)</source>
      <translation>变化（百分点）</translation>
    </message>
    <message>
      <source>Centre</source>
      <translation>检验机构</translation>
    </message>
    <message>
      <source>Sample no.</source>
      <translation>样品编号</translation>
    </message>
    <message>
      <source>Report no.</source>
      <translation>报告编号</translation>
    </message>
    <message>
      <source>Sampling date</source>
      <translation>抽样日期</translation>
    </message>
    <message>
      <source>Enterprise</source>
      <translation>企业</translation>
    </message>
    <message>
      <source>Conclusion</source>
      <translation>结论</translation>
    </message>
    <message>
      <source>Failing items</source>
      <translation>不合格项目</translation>
    </message>
    <message>
      <source>Counting pass rates…</source>
      <translation>正在统计合格率…</translation>
    </message>
    <message>
      <source>{0} failed</source>
      <translation>不合格 {0}</translation>
    </message>
    <message>
      <source>{0}: by county</source>
      <translation>{0}：按县（区）</translation>
    </message>
    <message>
      <source>{0}: by city</source>
      <translation>{0}：按市</translation>
    </message>
    <message>
      <source>{0} placed by the centre's region</source>
      <translation>{0} 个按中心地区归属</translation>
    </message>
    <message>
      <source>Excluded: {0} samples</source>
      <translation>已排除 {0} 个样品</translation>
    </message>
    <message>
      <source>Listing samples…</source>
      <translation>正在列出样品…</translation>
    </message>
    <message>
      <source>Export pass rates</source>
      <translation>导出合格率</translation>
    </message>
    <message>
      <source>Excel workbook (*.xlsx);;CSV (*.csv);;JSON (*.json)</source>
      <translation>Excel 工作簿 (*.xlsx);;CSV (*.csv);;JSON (*.json)</translation>
    </message>
    <message>
      <source>Exporting…</source>
      <translation>正在导出…</translation>
    </message>
    <message>
      <source>Pass rates written to {0}</source>
      <translation>合格率已写入 {0}</translation>
    </message>
</context>
<context>
    <name>HqWindow</name>
    <message>
      <source>LabDesk HQ — {0}</source>
      <translation>LabDesk 省局 — {0}</translation>
    </message>
    <message>
      <source>&amp;Pass rates</source>
      <translation>合格率(&amp;P)</translation>
    </message>
    <message>
      <source>&amp;Enterprise credit</source>
      <translation>企业质量信用(&amp;E)</translation>
    </message>
    <message>
      <source>Risk &amp;alerts</source>
      <translation>风险预警(&amp;A)</translation>
    </message>
</context>
<context>
    <name>TaskDialog</name>
    <message>
      <source>Organising level</source>
      <translation>组织级别</translation>
    </message>
</context>
</TS>