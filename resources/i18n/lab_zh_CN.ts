<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
  <context>
    <name>AddQcDialog</name>
    <message>
      <source>Add QC samples</source>
      <translation>添加质控样</translation>
    </message>
</context>
<context>
    <name>AuthorizationPanel</name>
    <message>
      <source>Method</source>
      <translation>方法</translation>
    </message>
    <message>
      <source>Authorized for</source>
      <translation>授权内容</translation>
    </message>
    <message>
      <source>Since</source>
      <translation>授权日期</translation>
    </message>
    <message>
      <source>Granted by</source>
      <translation>授权人</translation>
    </message>
    <message>
      <source>Authorize for a method…</source>
      <translation>授权方法…</translation>
    </message>
    <message>
      <source>Withdraw…</source>
      <translation>撤销授权…</translation>
    </message>
    <message>
      <source>testing</source>
      <translation>检测</translation>
    </message>
    <message>
      <source>signing reports</source>
      <translation>签发报告</translation>
    </message>
    <message>
      <source>Authorizations per method: select a user.</source>
      <translation>方法授权：请先选择用户。</translation>
    </message>
    <message>
      <source>Authorizations of {0} per method:</source>
      <translation>{0} 的方法授权：</translation>
    </message>
    <message>
      <source>Authorize {0}</source>
      <translation>授权 {0}</translation>
    </message>
    <message>
      <source>Method:</source>
      <translation>方法：</translation>
    </message>
    <message>
      <source>For:</source>
      <translation>授权内容：</translation>
    </message>
    <message>
      <source>Basis (training, assessment):</source>
      <translation>依据（培训、考核）：</translation>
    </message>
    <message>
      <source>There is no method to authorize for.</source>
      <translation>尚无可授权的方法。</translation>
    </message>
    <message>
      <source>Authorized.</source>
      <translation>已授权。</translation>
    </message>
    <message>
      <source>Select an authorization first.</source>
      <translation>请先选择一项授权。</translation>
    </message>
    <message>
      <source>Withdraw the authorization</source>
      <translation>撤销授权</translation>
    </message>
    <message>
      <source>Reason (required):</source>
      <translation>原因（必填）：</translation>
    </message>
    <message>
      <source>Authorization withdrawn.</source>
      <translation>已撤销授权。</translation>
    </message>
</context>
<context>
    <name>ControlChart</name>
    <message>
      <source>Run order</source>
      <translation>检测批顺序</translation>
    </message>
    <message>
      <source>Value</source>
      <translation>测定值</translation>
    </message>
</context>
<context>
    <name>InstrumentImportDialog</name>
    <message>
      <source>Import the instrument file</source>
      <translation>导入仪器数据文件</translation>
    </message>
    <message>
      <source>The CSV or Excel file the instrument exported</source>
      <translation>仪器导出的 CSV 或 Excel 文件</translation>
    </message>
    <message>
      <source>Browse…</source>
      <translation>浏览…</translation>
    </message>
    <message>
      <source>Read file</source>
      <translation>读取文件</translation>
    </message>
    <message>
      <source>Sample number column:</source>
      <translation>样品编号列：</translation>
    </message>
    <message>
      <source>Determination number column:</source>
      <translation>平行测定号列：</translation>
    </message>
    <message>
      <source>Element / analyte column:</source>
      <translation>元素/分析物列：</translation>
    </message>
    <message>
      <source>Reading {0} ({1}):</source>
      <translation>读数 {0}（{1}）：</translation>
    </message>
    <message>
      <source>Label</source>
      <translation>编号</translation>
    </message>
    <message>
      <source>Rows</source>
      <translation>行号</translation>
    </message>
    <message>
      <source>Determinations</source>
      <translation>平行测定值</translation>
    </message>
    <message>
      <source>Reported</source>
      <translation>报告值</translation>
    </message>
    <message>
      <source>Replicates</source>
      <translation>平行检查</translation>
    </message>
    <message>
      <source>Verdict / QC</source>
      <translation>判定/质控</translation>
    </message>
    <message>
      <source>Detail</source>
      <translation>说明</translation>
    </message>
    <message>
      <source>Reason (needed when the items already have results)</source>
      <translation>原因（项目已有结果时必填）</translation>
    </message>
    <message>
      <source>Import</source>
      <translation>导入</translation>
    </message>
    <message>
      <source>Close</source>
      <translation>关闭</translation>
    </message>
    <message>
      <source>Problems (nothing is imported while there are any):</source>
      <translation>问题（存在问题时不导入任何数据）：</translation>
    </message>
    <message>
      <source>Instrument file</source>
      <translation>仪器数据文件</translation>
    </message>
    <message>
      <source>Tables (*.csv *.txt *.xlsx)</source>
      <translation>表格 (*.csv *.txt *.xlsx)</translation>
    </message>
    <message>
      <source>(not in the file)</source>
      <translation>（文件中无此列）</translation>
    </message>
    <message>
      <source>{0} problem(s): nothing can be imported.</source>
      <translation>{0} 处问题：不能导入。</translation>
    </message>
    <message>
      <source>within</source>
      <translation>符合</translation>
    </message>
    <message>
      <source>OUTSIDE</source>
      <translation>超差</translation>
    </message>
    <message>
      <source>QC pass</source>
      <translation>质控合格</translation>
    </message>
    <message>
      <source>QC FAIL</source>
      <translation>质控不合格</translation>
    </message>
    <message>
      <source>{0}: {1} item(s) ready, {2} row(s) of other elements or blank skipped.</source>
      <translation>{0}：{1} 项可导入，跳过其他元素或空行 {2} 行。</translation>
    </message>
    <message>
      <source>Refused: nothing was imported.</source>
      <translation>被拒绝：未导入任何数据。</translation>
    </message>
</context>
<context>
    <name>InstrumentsScreen</name>
    <message>
      <source>Number</source>
      <translation>设备编号</translation>
    </message>
    <message>
      <source>Name</source>
      <translation>名称</translation>
    </message>
    <message>
      <source>Model</source>
      <translation>型号</translation>
    </message>
    <message>
      <source>Location</source>
      <translation>存放地点</translation>
    </message>
    <message>
      <source>Calibration valid through</source>
      <translation>校准有效期至</translation>
    </message>
    <message>
      <source>Verification valid through</source>
      <translation>检定有效期至</translation>
    </message>
    <message>
      <source>Intermediate check due</source>
      <translation>期间核查到期</translation>
    </message>
    <message>
      <source>Status</source>
      <translation>状态</translation>
    </message>
    <message>
      <source>Today</source>
      <translation>今日可用</translation>
    </message>
    <message>
      <source>Register…</source>
      <translation>登记…</translation>
    </message>
    <message>
      <source>Update dates…</source>
      <translation>更新日期…</translation>
    </message>
    <message>
      <source>Allow past its date…</source>
      <translation>批准超期使用…</translation>
    </message>
    <message>
      <source>usable</source>
      <translation>可用</translation>
    </message>
    <message>
      <source>allowed through {0}: {1}</source>
      <translation>批准使用至 {0}：{1}</translation>
    </message>
    <message>
      <source>in service</source>
      <translation>在用</translation>
    </message>
    <message>
      <source>out of service</source>
      <translation>停用</translation>
    </message>
    <message>
      <source>Select an instrument first.</source>
      <translation>请先选择仪器。</translation>
    </message>
    <message>
      <source>Register an instrument</source>
      <translation>登记仪器</translation>
    </message>
    <message>
      <source>Equipment number:</source>
      <translation>设备编号：</translation>
    </message>
    <message>
      <source>Name:</source>
      <translation>名称：</translation>
    </message>
    <message>
      <source>Model:</source>
      <translation>型号：</translation>
    </message>
    <message>
      <source>Location:</source>
      <translation>存放地点：</translation>
    </message>
    <message>
      <source>Calibration valid through (YYYY-MM-DD):</source>
      <translation>校准有效期至（YYYY-MM-DD）：</translation>
    </message>
    <message>
      <source>Verification valid through (YYYY-MM-DD):</source>
      <translation>检定有效期至（YYYY-MM-DD）：</translation>
    </message>
    <message>
      <source>Intermediate check due (YYYY-MM-DD):</source>
      <translation>期间核查到期（YYYY-MM-DD）：</translation>
    </message>
    <message>
      <source>Instrument registered.</source>
      <translation>仪器已登记。</translation>
    </message>
    <message>
      <source>Update {0}</source>
      <translation>更新 {0}</translation>
    </message>
    <message>
      <source>Status:</source>
      <translation>状态：</translation>
    </message>
    <message>
      <source>Reason (required):</source>
      <translation>原因（必填）：</translation>
    </message>
    <message>
      <source>Instrument updated.</source>
      <translation>仪器已更新。</translation>
    </message>
    <message>
      <source>Allow {0} past its date</source>
      <translation>批准 {0} 超期使用</translation>
    </message>
    <message>
      <source>Allowed through (YYYY-MM-DD):</source>
      <translation>批准使用至（YYYY-MM-DD）：</translation>
    </message>
    <message>
      <source>Allowed; the reason is kept on every run.</source>
      <translation>已批准；原因记入每个检测批。</translation>
    </message>
</context>
<context>
    <name>MethodsScreen</name>
    <message>
      <source>Code</source>
      <translation>方法编号</translation>
    </message>
    <message>
      <source>Name</source>
      <translation>名称</translation>
    </message>
    <message>
      <source>Item</source>
      <translation>检验项目</translation>
    </message>
    <message>
      <source>Version</source>
      <translation>版本</translation>
    </message>
    <message>
      <source>Formula</source>
      <translation>计算公式</translation>
    </message>
    <message>
      <source>Determinations</source>
      <translation>平行测定值</translation>
    </message>
    <message>
      <source>Permitted difference %</source>
      <translation>允许差 %</translation>
    </message>
    <message>
      <source>LOD / U</source>
      <translation>检出限 / U</translation>
    </message>
    <message>
      <source>New method…</source>
      <translation>新建方法…</translation>
    </message>
    <message>
      <source>Revise…</source>
      <translation>修订…</translation>
    </message>
    <message>
      <source>Add QC material…</source>
      <translation>添加质控物…</translation>
    </message>
    <message>
      <source>Test values, e.g. rho=12.3 rho0=0.3 m=0.5012</source>
      <translation>试算数值，如 rho=12.3 rho0=0.3 m=0.5012</translation>
    </message>
    <message>
      <source>Try</source>
      <translation>试算</translation>
    </message>
    <message>
      <source>Try the selected formula:</source>
      <translation>试算所选方法的公式：</translation>
    </message>
    <message>
      <source> (sample data)</source>
      <translation>（示例数据）</translation>
    </message>
    <message>
      <source>Select a method first.</source>
      <translation>请先选择方法。</translation>
    </message>
    <message>
      <source>Formula:</source>
      <translation>计算公式：</translation>
    </message>
    <message>
      <source>Inputs (name | label | unit | default | blank of):</source>
      <translation>输入（名称 | 说明 | 单位 | 默认值 | 对应空白）：</translation>
    </message>
    <message>
      <source>Result unit:</source>
      <translation>结果单位：</translation>
    </message>
    <message>
      <source>Decimal places of the result:</source>
      <translation>结果小数位数：</translation>
    </message>
    <message>
      <source>Parallel determinations:</source>
      <translation>平行测定次数：</translation>
    </message>
    <message>
      <source>Permitted difference, % of the mean:</source>
      <translation>允许差（平均值的 %）：</translation>
    </message>
    <message>
      <source>LOD:</source>
      <translation>检出限：</translation>
    </message>
    <message>
      <source>LOQ:</source>
      <translation>定量限：</translation>
    </message>
    <message>
      <source>U (k = 2), e.g. 10% or ≤0.1:20%; *:10%:</source>
      <translation>扩展不确定度 U（k = 2），如 10% 或 ≤0.1:20%; *:10%：</translation>
    </message>
    <message>
      <source>Spike recovery from %:</source>
      <translation>加标回收率下限 %：</translation>
    </message>
    <message>
      <source>Spike recovery to %:</source>
      <translation>加标回收率上限 %：</translation>
    </message>
    <message>
      <source>Analyte as the instrument names it:</source>
      <translation>仪器中的元素/分析物名称：</translation>
    </message>
    <message>
      <source>New test method</source>
      <translation>新建检测方法</translation>
    </message>
    <message>
      <source>Method code:</source>
      <translation>方法编号：</translation>
    </message>
    <message>
      <source>Name:</source>
      <translation>名称：</translation>
    </message>
    <message>
      <source>Item code it measures (e.g. PB):</source>
      <translation>所测项目代码（如 PB）：</translation>
    </message>
    <message>
      <source>Standard (as on the items):</source>
      <translation>方法标准（与项目一致）：</translation>
    </message>
    <message>
      <source>Method created (version 1).</source>
      <translation>方法已建立（第 1 版）。</translation>
    </message>
    <message>
      <source>Revise {0}</source>
      <translation>修订 {0}</translation>
    </message>
    <message>
      <source>Reason (required):</source>
      <translation>原因（必填）：</translation>
    </message>
    <message>
      <source>Saved: a change makes the next version.</source>
      <translation>已保存：有改动即生成新版本。</translation>
    </message>
    <message>
      <source>QC material for {0}</source>
      <translation>{0} 的质控物</translation>
    </message>
    <message>
      <source>Material code:</source>
      <translation>质控物编号：</translation>
    </message>
    <message>
      <source>Certified reference material</source>
      <translation>有证标准物质</translation>
    </message>
    <message>
      <source>Control material (chart)</source>
      <translation>质控样（质控图）</translation>
    </message>
    <message>
      <source>Kind:</source>
      <translation>类型：</translation>
    </message>
    <message>
      <source>Certified value:</source>
      <translation>标准值：</translation>
    </message>
    <message>
      <source>Its U:</source>
      <translation>其不确定度 U：</translation>
    </message>
    <message>
      <source>Control mean:</source>
      <translation>质控均值：</translation>
    </message>
    <message>
      <source>Control SD:</source>
      <translation>质控标准差：</translation>
    </message>
    <message>
      <source>Unit:</source>
      <translation>单位：</translation>
    </message>
    <message>
      <source>Lot:</source>
      <translation>批号：</translation>
    </message>
    <message>
      <source>QC material added.</source>
      <translation>质控物已添加。</translation>
    </message>
    <message>
      <source>Result: {0} {1} (unrounded {2}){3}</source>
      <translation>结果：{0} {1}（未修约 {2}）{3}</translation>
    </message>
</context>
<context>
    <name>NewRunDialog</name>
    <message>
      <source>New analytical run</source>
      <translation>新建检测批</translation>
    </message>
    <message>
      <source>usable</source>
      <translation>可用</translation>
    </message>
    <message>
      <source>past its date</source>
      <translation>已超期</translation>
    </message>
    <message>
      <source>Method:</source>
      <translation>方法：</translation>
    </message>
    <message>
      <source>Instrument:</source>
      <translation>仪器：</translation>
    </message>
    <message>
      <source>Waiting items:</source>
      <translation>待检项目：</translation>
    </message>
    <message>
      <source>none</source>
      <translation>无</translation>
    </message>
    <message>
      <source>Choose a method and an instrument.</source>
      <translation>请选择方法和仪器。</translation>
    </message>
</context>
<context>
    <name>QcChartScreen</name>
    <message>
      <source>Point</source>
      <translation>点</translation>
    </message>
    <message>
      <source>Run</source>
      <translation>检测批</translation>
    </message>
    <message>
      <source>Rule</source>
      <translation>规则</translation>
    </message>
    <message>
      <source>Kind</source>
      <translation>类型</translation>
    </message>
    <message>
      <source>Method:</source>
      <translation>方法：</translation>
    </message>
    <message>
      <source>Control material:</source>
      <translation>质控物：</translation>
    </message>
    <message>
      <source>No control material with a mean and SD for this method.</source>
      <translation>该方法没有给出均值和标准差的质控物。</translation>
    </message>
    <message>
      <source>{0}: {1} points, mean {2}, SD {3}</source>
      <translation>{0}：{1} 个点，均值 {2}，标准差 {3}</translation>
    </message>
    <message>
      <source>warning</source>
      <translation>警告</translation>
    </message>
    <message>
      <source>reject</source>
      <translation>失控</translation>
    </message>
</context>
<context>
    <name>RawDataPanel</name>
    <message>
      <source>Select an item to see its readings, formula and QC.</source>
      <translation>选择一个项目，查看其读数、计算公式和质控。</translation>
    </message>
</context>
<context>
    <name>RunQc</name>
    <message>
      <source>amount added, in result units</source>
      <translation>加标量，以结果单位计</translation>
    </message>
    <message>
      <source>none</source>
      <translation>无</translation>
    </message>
    <message>
      <source>Blanks:</source>
      <translation>空白数：</translation>
    </message>
    <message>
      <source>Duplicate of:</source>
      <translation>平行样对应：</translation>
    </message>
    <message>
      <source>Spike of:</source>
      <translation>加标样对应：</translation>
    </message>
    <message>
      <source>Spike added:</source>
      <translation>加标量：</translation>
    </message>
    <message>
      <source>Reference material:</source>
      <translation>标准物质：</translation>
    </message>
    <message>
      <source>Control material:</source>
      <translation>质控物：</translation>
    </message>
</context>
<context>
    <name>RunsScreen</name>
    <message>
      <source>Open and held runs</source>
      <translation>进行中和暂停的检测批</translation>
    </message>
    <message>
      <source>All runs</source>
      <translation>全部检测批</translation>
    </message>
    <message>
      <source>New run…</source>
      <translation>新建检测批…</translation>
    </message>
    <message>
      <source>Run</source>
      <translation>检测批</translation>
    </message>
    <message>
      <source>Method</source>
      <translation>方法</translation>
    </message>
    <message>
      <source>Instrument</source>
      <translation>仪器</translation>
    </message>
    <message>
      <source>State</source>
      <translation>状态</translation>
    </message>
    <message>
      <source>QC</source>
      <translation>质控</translation>
    </message>
    <message>
      <source>Label</source>
      <translation>编号</translation>
    </message>
    <message>
      <source>Kind</source>
      <translation>类型</translation>
    </message>
    <message>
      <source>Determinations</source>
      <translation>平行测定值</translation>
    </message>
    <message>
      <source>Mean</source>
      <translation>平均值</translation>
    </message>
    <message>
      <source>Reported</source>
      <translation>报告值</translation>
    </message>
    <message>
      <source>Replicates</source>
      <translation>平行检查</translation>
    </message>
    <message>
      <source>Verdict / QC</source>
      <translation>判定/质控</translation>
    </message>
    <message>
      <source>Import instrument file…</source>
      <translation>导入仪器数据…</translation>
    </message>
    <message>
      <source>Add QC…</source>
      <translation>添加质控样…</translation>
    </message>
    <message>
      <source>Accept replicates…</source>
      <translation>接受平行超差…</translation>
    </message>
    <message>
      <source>Submit run</source>
      <translation>提交检测批</translation>
    </message>
    <message>
      <source>Release…</source>
      <translation>放行…</translation>
    </message>
    <message>
      <source>Cancel run…</source>
      <translation>取消检测批…</translation>
    </message>
    <message>
      <source>Raw-data sheet PDF…</source>
      <translation>原始记录 PDF…</translation>
    </message>
    <message>
      <source>Results of the run's samples (type to enter):</source>
      <translation>本批样品结果（可直接录入）：</translation>
    </message>
    <message>
      <source>pass</source>
      <translation>合格</translation>
    </message>
    <message>
      <source>FAIL</source>
      <translation>不合格</translation>
    </message>
    <message>
      <source>Open</source>
      <translation>进行中</translation>
    </message>
    <message>
      <source>Submitted</source>
      <translation>已提交</translation>
    </message>
    <message>
      <source>Held by QC</source>
      <translation>质控暂停</translation>
    </message>
    <message>
      <source>Released</source>
      <translation>已放行</translation>
    </message>
    <message>
      <source>Cancelled</source>
      <translation>已取消</translation>
    </message>
    <message>
      <source>No run selected. New run… makes one from waiting items.</source>
      <translation>未选择检测批。“新建检测批…”可从待检项目建立。</translation>
    </message>
    <message>
      <source>{0} — {1} v{2} {3} — instrument {4} — technician {5} — {6}</source>
      <translation>{0} — {1} 第{2}版 {3} — 仪器 {4} — 检验员 {5} — {6}</translation>
    </message>
    <message>
      <source>instrument past its date, allowed by {0}: {1}</source>
      <translation>仪器超期使用，{0} 批准：{1}</translation>
    </message>
    <message>
      <source>released by {0}: {1}</source>
      <translation>{0} 放行：{1}</translation>
    </message>
    <message>
      <source>sample</source>
      <translation>样品</translation>
    </message>
    <message>
      <source>within</source>
      <translation>符合</translation>
    </message>
    <message>
      <source>OUTSIDE</source>
      <translation>超差</translation>
    </message>
    <message>
      <source>accepted: {0}</source>
      <translation>已接受：{0}</translation>
    </message>
    <message>
      <source>typed, no readings</source>
      <translation>手工录入，无读数</translation>
    </message>
    <message>
      <source>no readings yet</source>
      <translation>尚无读数</translation>
    </message>
    <message>
      <source>QC pass</source>
      <translation>质控合格</translation>
    </message>
    <message>
      <source>QC FAIL</source>
      <translation>质控不合格</translation>
    </message>
    <message>
      <source>Run created.</source>
      <translation>检测批已建立。</translation>
    </message>
    <message>
      <source>Instrument file imported.</source>
      <translation>仪器数据已导入。</translation>
    </message>
    <message>
      <source>QC samples added.</source>
      <translation>质控样已添加。</translation>
    </message>
    <message>
      <source>Select a sample row first.</source>
      <translation>请先选择一行样品。</translation>
    </message>
    <message>
      <source>Accept the parallel determinations</source>
      <translation>接受平行测定结果</translation>
    </message>
    <message>
      <source>Why are they accepted?</source>
      <translation>接受的理由？</translation>
    </message>
    <message>
      <source>Replicates accepted with a reason.</source>
      <translation>已说明理由并接受平行测定结果。</translation>
    </message>
    <message>
      <source>Release the run</source>
      <translation>放行检测批</translation>
    </message>
    <message>
      <source>Why are the results valid despite the QC?</source>
      <translation>质控不合格而结果仍有效的理由？</translation>
    </message>
    <message>
      <source>Run released.</source>
      <translation>检测批已放行。</translation>
    </message>
    <message>
      <source>Cancel the run</source>
      <translation>取消检测批</translation>
    </message>
    <message>
      <source>Why is it cancelled?</source>
      <translation>取消的原因？</translation>
    </message>
    <message>
      <source>Run cancelled.</source>
      <translation>检测批已取消。</translation>
    </message>
    <message>
      <source>Run submitted but held: QC failed ({0}). The technical manager may release it.</source>
      <translation>检测批已提交但暂停：质控不合格（{0}），可由技术负责人放行。</translation>
    </message>
    <message>
      <source>Run submitted; QC passed.</source>
      <translation>检测批已提交，质控合格。</translation>
    </message>
    <message>
      <source>Samples sent to review: {0}</source>
      <translation>已提交审核的样品：{0}</translation>
    </message>
    <message>
      <source>Folder for the raw-data sheets</source>
      <translation>原始记录保存文件夹</translation>
    </message>
    <message>
      <source>Raw-data sheets written: {0}</source>
      <translation>已生成原始记录：{0} 份</translation>
    </message>
</context>
<context>
    <name>Screens</name>
    <message>
      <source>Runs</source>
      <translation>检测批</translation>
    </message>
    <message>
      <source>Instruments</source>
      <translation>仪器设备</translation>
    </message>
    <message>
      <source>QC charts</source>
      <translation>质控图</translation>
    </message>
    <message>
      <source>Methods</source>
      <translation>检测方法</translation>
    </message>
</context>
</TS>