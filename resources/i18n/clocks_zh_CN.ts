<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>BackupsTab</name>
    <message>
        <source>Selected backup sample</source>
        <translation>所选备份样品</translation>
    </message>
    <message>
        <source>Register a backup sample</source>
        <translation>登记备份样品（新）</translation>
    </message>
    <message>
        <source>Filter: sample number, name or seal</source>
        <translation>筛选：样品编号、名称或封条编号</translation>
    </message>
    <message>
        <source>Seal no.</source>
        <translation>封条编号</translation>
    </message>
    <message>
        <source>Sample no.</source>
        <translation>样品编号</translation>
    </message>
    <message>
        <source>Sample</source>
        <translation>样品</translation>
    </message>
    <message>
        <source>Location</source>
        <translation>存放位置</translation>
    </message>
    <message>
        <source>Quantity</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>Shelf life to</source>
        <translation>保质期至</translation>
    </message>
    <message>
        <source>Keep until</source>
        <translation>保存至</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Asked by</source>
        <translation>申请人</translation>
    </message>
    <message>
        <source>Released by</source>
        <translation>确认人</translation>
    </message>
    <message>
        <source>sample number</source>
        <translation>样品编号</translation>
    </message>
    <message>
        <source>e.g. 留样室 A-3-2</source>
        <translation>例如 留样室 A-3-2</translation>
    </message>
    <message>
        <source>e.g. 2</source>
        <translation>例如 2</translation>
    </message>
    <message>
        <source>e.g. 袋</source>
        <translation>例如 袋</translation>
    </message>
    <message>
        <source>YYYY-MM-DD (optional)</source>
        <translation>YYYY-MM-DD（可不填）</translation>
    </message>
    <message>
        <source>Register backup sample</source>
        <translation>登记备份样品</translation>
    </message>
    <message>
        <source>note or reason</source>
        <translation>备注或原因</translation>
    </message>
    <message>
        <source>Ask release for re-inspection</source>
        <translation>申请出库复检</translation>
    </message>
    <message>
        <source>Ask disposal</source>
        <translation>申请处置</translation>
    </message>
    <message>
        <source>Confirm release (second person)</source>
        <translation>确认出库（第二人）</translation>
    </message>
    <message>
        <source>Withdraw request</source>
        <translation>撤回申请</translation>
    </message>
    <message>
        <source>kept</source>
        <translation>封存中</translation>
    </message>
    <message>
        <source>release asked</source>
        <translation>待确认出库</translation>
    </message>
    <message>
        <source>released</source>
        <translation>已出库</translation>
    </message>
    <message>
        <source>disposed</source>
        <translation>已处置</translation>
    </message>
    <message>
        <source>{0} backup samples are past their retention and due for disposal.</source>
        <translation>{0} 个备份样品已过保存期，待处置。</translation>
    </message>
    <message>
        <source>Backup sample registered.</source>
        <translation>备份样品已登记。</translation>
    </message>
    <message>
        <source>Select a backup sample first.</source>
        <translation>请先选择备份样品。</translation>
    </message>
    <message>
        <source>Release asked: a second person confirms it.</source>
        <translation>已申请出库，须由另一人确认。</translation>
    </message>
    <message>
        <source>Release confirmed.</source>
        <translation>已确认出库。</translation>
    </message>
    <message>
        <source>Request withdrawn: the sample is kept.</source>
        <translation>申请已撤回，样品继续封存。</translation>
    </message>
</context>
<context>
    <name>CalendarTab</name>
    <message>
        <source>Year</source>
        <translation>年份</translation>
    </message>
    <message>
        <source>From</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>依据</translation>
    </message>
    <message>
        <source>Imported at</source>
        <translation>导入时间</translation>
    </message>
    <message>
        <source>Imported by</source>
        <translation>导入人</translation>
    </message>
    <message>
        <source>the year's calendar file (.csv)</source>
        <translation>该年日历文件（.csv）</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Import calendar</source>
        <translation>导入日历</translation>
    </message>
    <message>
        <source>Working days follow the State Council's yearly holiday notice. A year that is not listed here is refused, never counted as plain weekdays: import its calendar when the notice is published (format: docs/clocks.md).</source>
        <translation>工作日以国务院办公厅每年公布的节假日安排为准。此处未列出的年份一律拒绝计算，绝不按普通周一至周五推算：通知公布后请导入该年日历（格式见 docs/clocks.md）。</translation>
    </message>
    <message>
        <source>chinese-calendar package</source>
        <translation>chinese-calendar 软件包</translation>
    </message>
    <message>
        <source>imported</source>
        <translation>已导入</translation>
    </message>
    <message>
        <source>Year calendar file</source>
        <translation>年度日历文件</translation>
    </message>
    <message>
        <source>Calendar files (*.csv *.txt)</source>
        <translation>日历文件 (*.csv *.txt)</translation>
    </message>
    <message>
        <source>The calendar of {0} is already imported: nothing changed.</source>
        <translation>{0} 年日历已导入，未作更改。</translation>
    </message>
    <message>
        <source>Calendar of {0} imported: {1} days off, {2} make-up working days; {3} samples' clocks recomputed.</source>
        <translation>已导入 {0} 年日历：休息 {1} 天，调休上班 {2} 天；重算了 {3} 个样品的时限。</translation>
    </message>
    <message>
        <source>It differs from the package on {0} days.</source>
        <translation>与软件包内置日历有 {0} 天不同。</translation>
    </message>
</context>
<context>
    <name>CasesTab</name>
    <message>
        <source>Selected case: the re-inspection&apos;s result</source>
        <translation>所选案件：复检结果</translation>
    </message>
    <message>
        <source>New application</source>
        <translation>新的申请</translation>
    </message>
    <message>
        <source>Case</source>
        <translation>案件</translation>
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
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Applicant</source>
        <translation>申请人</translation>
    </message>
    <message>
        <source>Applied on</source>
        <translation>申请日期</translation>
    </message>
    <message>
        <source>Window ends</source>
        <translation>期限届满</translation>
    </message>
    <message>
        <source>Backup seal</source>
        <translation>备份样品封条</translation>
    </message>
    <message>
        <source>Laboratory</source>
        <translation>复检机构</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>结论</translation>
    </message>
    <message>
        <source>sample number</source>
        <translation>样品编号</translation>
    </message>
    <message>
        <source>Re-inspection (复检)</source>
        <translation>复检</translation>
    </message>
    <message>
        <source>Objection to the result (异议)</source>
        <translation>对检验结论的异议</translation>
    </message>
    <message>
        <source>Objection to the sampling (异议)</source>
        <translation>对抽样过程的异议</translation>
    </message>
    <message>
        <source>YYYY-MM-DD (default: the recorded receipt)</source>
        <translation>YYYY-MM-DD（不填则用已登记的送达日）</translation>
    </message>
    <message>
        <source>Register application</source>
        <translation>登记申请</translation>
    </message>
    <message>
        <source>Conclusion received on</source>
        <translation>结论收到日期</translation>
    </message>
    <message>
        <source>re-inspecting laboratory</source>
        <translation>复检机构</translation>
    </message>
    <message>
        <source>its result</source>
        <translation>复检结果</translation>
    </message>
    <message>
        <source>Record result and close</source>
        <translation>登记结果并办结</translation>
    </message>
    <message>
        <source>Record receipt of the conclusion</source>
        <translation>登记结论送达日</translation>
    </message>
    <message>
        <source>Conclusion received (送达日)</source>
        <translation>结论送达日</translation>
    </message>
    <message>
        <source>Re-inspection</source>
        <translation>复检</translation>
    </message>
    <message>
        <source>Objection (result)</source>
        <translation>异议（检验结论）</translation>
    </message>
    <message>
        <source>Objection (sampling)</source>
        <translation>异议（抽样）</translation>
    </message>
    <message>
        <source>none known</source>
        <translation>无已知期限</translation>
    </message>
    <message>
        <source>Application registered.</source>
        <translation>申请已登记。</translation>
    </message>
    <message>
        <source>Select a case first.</source>
        <translation>请先选择案件。</translation>
    </message>
    <message>
        <source>Result recorded; the case is closed.</source>
        <translation>结果已登记，案件办结。</translation>
    </message>
    <message>
        <source>Receipt recorded: the windows run from it.</source>
        <translation>送达日已登记，各期限自该日起算。</translation>
    </message>
</context>
<context>
    <name>Clocks</name>
    <message>
        <source>Delivery to the lab</source>
        <translation>送达实验室</translation>
    </message>
    <message>
        <source>Report due</source>
        <translation>报告期限</translation>
    </message>
    <message>
        <source>24-hour report</source>
        <translation>24小时限时报告</translation>
    </message>
    <message>
        <source>Re-inspection window</source>
        <translation>复检申请期限</translation>
    </message>
    <message>
        <source>Objection window (result)</source>
        <translation>异议期限（检验结论）</translation>
    </message>
    <message>
        <source>Objection window (sampling)</source>
        <translation>异议期限（抽样）</translation>
    </message>
    <message>
        <source>Waiting for the calendar of</source>
        <translation>等待导入日历</translation>
    </message>
    <message>
        <source>met</source>
        <translation>按时</translation>
    </message>
    <message>
        <source>late</source>
        <translation>超时</translation>
    </message>
    <message>
        <source>open</source>
        <translation>进行中</translation>
    </message>
    <message>
        <source>due this week</source>
        <translation>本周到期</translation>
    </message>
    <message>
        <source>overdue</source>
        <translation>已逾期</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>已届满</translation>
    </message>
    <message>
        <source>import that year's calendar</source>
        <translation>请导入该年日历</translation>
    </message>
    <message>
        <source>original conclusion upheld</source>
        <translation>维持原结论</translation>
    </message>
    <message>
        <source>original conclusion overturned</source>
        <translation>改变原结论</translation>
    </message>
    <message>
        <source>in progress</source>
        <translation>办理中</translation>
    </message>
    <message>
        <source>Re-inspection</source>
        <translation>复检</translation>
    </message>
    <message>
        <source>Objection</source>
        <translation>异议</translation>
    </message>
    <message>
        <source>No clock runs for this sample.</source>
        <translation>该样品没有进行中的时限。</translation>
    </message>
</context>
<context>
    <name>ClocksScreen</name>
    <message>
        <source>Backup samples</source>
        <translation>备份样品</translation>
    </message>
    <message>
        <source>Re-inspections and objections</source>
        <translation>复检与异议</translation>
    </message>
    <message>
        <source>Working-day calendar</source>
        <translation>工作日历</translation>
    </message>
</context>
<context>
    <name>DashboardScreen</name>
    <message>
        <source>Reports due this week</source>
        <translation>本周到期报告</translation>
    </message>
    <message>
        <source>Deliveries overdue: {0} · 24-hour reports not yet sent: {1} ({2} past 24 h) · waiting for a year's calendar: {3} · re-inspections and objections open: {4}, upheld: {5}, overturned: {6} · backup samples due for disposal: {7}</source>
        <translation>送样逾期：{0} · 24小时限时报告未上报：{1}（超过24小时：{2}） · 等待导入年度日历：{3} · 复检与异议办理中：{4}，维持原结论：{5}，改变原结论：{6} · 备份样品待处置：{7}</translation>
    </message>
</context>
<context>
    <name>ReviewScreen</name>
    <message>
        <source>Report class (报告类别) confirmed at approval</source>
        <translation>批准时确认的报告类别</translation>
    </message>
    <message>
        <source>(no report class)</source>
        <translation>（无报告类别）</translation>
    </message>
</context>
<context>
    <name>Screens</name>
    <message>
        <source>Clocks &amp; re-inspection</source>
        <translation>时限与复检</translation>
    </message>
</context>
<context>
    <name>TaskDialog</name>
    <message>
        <source>(not given)</source>
        <translation>（未填）</translation>
    </message>
    <message>
        <source>Food sampling (working-day clocks of SAMR Order 15)</source>
        <translation>食品抽样（适用《食品安全抽样检验管理办法》的工作日时限）</translation>
    </message>
    <message>
        <source>Purpose (检验目的)</source>
        <translation>检验目的</translation>
    </message>
    <message>
        <source>Organising level</source>
        <translation>组织级别</translation>
    </message>
</context>
</TS>
