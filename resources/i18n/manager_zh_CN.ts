<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AbolishDialog</name>
    <message>
        <source>Mark standard abolished</source>
        <translation>标记标准废止</translation>
    </message>
    <message>
        <source>{0} {1} will not apply to samples taken on or after this date. Samples already registered keep their limits.</source>
        <translation>{0} {1} 将不再适用于该日期及以后抽取的样品。已登记样品保留其限量。</translation>
    </message>
    <message>
        <source>Abolished from:</source>
        <translation>废止日期：</translation>
    </message>
    <message>
        <source>Required, e.g. replaced by a new version</source>
        <translation>必填，例如：已被新版本代替</translation>
    </message>
    <message>
        <source>Reason:</source>
        <translation>原因：</translation>
    </message>
</context>
<context>
    <name>AuditScreen</name>
    <message>
        <source>Sample no.</source>
        <translation>样品编号</translation>
    </message>
    <message>
        <source>Any user</source>
        <translation>任意用户</translation>
    </message>
    <message>
        <source>Any action</source>
        <translation>任意操作</translation>
    </message>
    <message>
        <source>From</source>
        <translation>起始日期</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>查询</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>Sample:</source>
        <translation>样品：</translation>
    </message>
    <message>
        <source>User:</source>
        <translation>用户：</translation>
    </message>
    <message>
        <source>Action:</source>
        <translation>操作：</translation>
    </message>
    <message>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <source>Verify audit trail</source>
        <translation>校验审计记录</translation>
    </message>
    <message>
        <source>Not verified in this session.</source>
        <translation>本次尚未校验。</translation>
    </message>
    <message>
        <source>#</source>
        <translation>序号</translation>
    </message>
    <message>
        <source>When (local)</source>
        <translation>时间（本地）</translation>
    </message>
    <message>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>记录</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>Old value</source>
        <translation>原值</translation>
    </message>
    <message>
        <source>New value</source>
        <translation>新值</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Reading the audit trail…</source>
        <translation>正在读取审计记录…</translation>
    </message>
    <message>
        <source>The end date is before the start.</source>
        <translation>结束日期早于开始日期。</translation>
    </message>
    <message>
        <source>(new record)</source>
        <translation>（新建记录）</translation>
    </message>
    <message>
        <source>Entry {0}, {1} by {2}: {3} on {4} #{5}</source>
        <translation>第 {0} 条，{1}，{2}：{3}，{4} #{5}</translation>
    </message>
    <message>
        <source>Field: {0}</source>
        <translation>字段：{0}</translation>
    </message>
    <message>
        <source>Old: {0}</source>
        <translation>原值：{0}</translation>
    </message>
    <message>
        <source>New: {0}</source>
        <translation>新值：{0}</translation>
    </message>
    <message>
        <source>Reason: {0}</source>
        <translation>原因：{0}</translation>
    </message>
    <message>
        <source>Verifying…</source>
        <translation>正在校验…</translation>
    </message>
    <message>
        <source>Verifying the audit trail…</source>
        <translation>正在校验审计记录…</translation>
    </message>
    <message>
        <source>Verification could not run.</source>
        <translation>无法执行校验。</translation>
    </message>
    <message>
        <source>Audit trail intact: {0} entries checked; head {1} ({2}…).</source>
        <translation>审计记录完整：已校验 {0} 条；链头 {1}（{2}…）。</translation>
    </message>
    <message>
        <source>first broken entry: {0}</source>
        <translation>首个被破坏的记录：第 {0} 条</translation>
    </message>
    <message>
        <source>the chain head</source>
        <translation>链头</translation>
    </message>
    <message>
        <source>Audit trail BROKEN — {0}: {1}</source>
        <translation>审计记录已被破坏 — {0}：{1}</translation>
    </message>
    <message>
        <source>Verification cancelled.</source>
        <translation>已取消校验。</translation>
    </message>
</context>
<context>
    <name>BatchesScreen</name>
    <message>
        <source>Signing key:</source>
        <translation>签名密钥：</translation>
    </message>
    <message>
        <source>Change…</source>
        <translation>更改…</translation>
    </message>
    <message>
        <source>Outbox folder:</source>
        <translation>发件箱文件夹：</translation>
    </message>
    <message>
        <source>Sign off and export…</source>
        <translation>签发并导出…</translation>
    </message>
    <message>
        <source>Write lost batch file again…</source>
        <translation>重新写出丢失的批次文件…</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Batch</source>
        <translation>批次</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <source>By</source>
        <translation>导出人</translation>
    </message>
    <message>
        <source>Samples</source>
        <translation>样品数</translation>
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
        <source>Pass rate</source>
        <translation>合格率</translation>
    </message>
    <message>
        <source>Batches</source>
        <translation>批次</translation>
    </message>
    <message>
        <source>Failing item</source>
        <translation>不合格项目</translation>
    </message>
    <message>
        <source>Tested</source>
        <translation>检验数</translation>
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
        <source>Samples in the batch</source>
        <translation>本批次样品</translation>
    </message>
    <message>
        <source>Reading batches…</source>
        <translation>正在读取批次…</translation>
    </message>
    <message>
        <source>No signing key yet: create one with `labdesk keys init`.</source>
        <translation>尚未创建签名密钥：请运行 `labdesk keys init`。</translation>
    </message>
    <message>
        <source>{0}, fingerprint {1} (created {2})</source>
        <translation>{0}，指纹 {1}（创建于 {2}）</translation>
    </message>
    <message>
        <source>(not set)</source>
        <translation>（未设置）</translation>
    </message>
    <message>
        <source>Pending (approved, not exported)</source>
        <translation>待导出（已批准未导出）</translation>
    </message>
    <message>
        <source>No. {0}</source>
        <translation>第 {0} 批</translation>
    </message>
    <message>
        <source>Nothing approved is waiting for export.</source>
        <translation>没有待导出的已批准样品。</translation>
    </message>
    <message>
        <source>{0} ({1} samples)</source>
        <translation>{0}（{1} 个样品）</translation>
    </message>
    <message>
        <source>{0}: {1} samples — {2} passed, {3} failed, {4} not judged; pass rate {5}, non-conformity rate {6}. Approved by: {7}.</source>
        <translation>{0}：{1} 个样品 — 合格 {2}，不合格 {3}，不判定 {4}；合格率 {5}，不合格率 {6}。批准人：{7}。</translation>
    </message>
    <message>
        <source>Pending batch</source>
        <translation>待导出批次</translation>
    </message>
    <message>
        <source>Outbox folder for batch files</source>
        <translation>批次文件发件箱文件夹</translation>
    </message>
    <message>
        <source>Sign in first.</source>
        <translation>请先登录。</translation>
    </message>
    <message>
        <source>Batch {0} ({1} samples) written to {2}</source>
        <translation>第 {0} 批（{1} 个样品）已写入 {2}</translation>
    </message>
    <message>
        <source>Exporting the batch…</source>
        <translation>正在导出批次…</translation>
    </message>
    <message>
        <source>Write the batch file into</source>
        <translation>将批次文件写入</translation>
    </message>
    <message>
        <source>Could not write the batch file: {0}</source>
        <translation>无法写入批次文件：{0}</translation>
    </message>
    <message>
        <source>Batch {0} written again to {1}</source>
        <translation>第 {0} 批已重新写入 {1}</translation>
    </message>
</context>
<context>
    <name>DashboardScreen</name>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Samples</source>
        <translation>样品数</translation>
    </message>
    <message>
        <source>Test item</source>
        <translation>检验项目</translation>
    </message>
    <message>
        <source>Tested</source>
        <translation>检验数</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>不合格</translation>
    </message>
    <message>
        <source>Failure rate</source>
        <translation>不合格率</translation>
    </message>
    <message>
        <source>Enterprise</source>
        <translation>企业</translation>
    </message>
    <message>
        <source>Non-conformity rate</source>
        <translation>不合格率</translation>
    </message>
    <message>
        <source>Samples by state</source>
        <translation>按状态的样品数</translation>
    </message>
    <message>
        <source>Top failing items</source>
        <translation>不合格较多的项目</translation>
    </message>
    <message>
        <source>Top failing enterprises</source>
        <translation>不合格较多的企业</translation>
    </message>
    <message>
        <source>Monthly pass and non-conformity rates</source>
        <translation>月度合格率与不合格率</translation>
    </message>
    <message>
        <source>Samples by product category (click a bar)</source>
        <translation>按产品类别的样品数（点击柱条）</translation>
    </message>
    <message>
        <source>Click a bar or a row to list its samples.</source>
        <translation>点击柱条或表格行，列出对应样品。</translation>
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
        <source>Category</source>
        <translation>产品类别</translation>
    </message>
    <message>
        <source>Sampling date</source>
        <translation>抽样日期</translation>
    </message>
    <message>
        <source>Conclusion</source>
        <translation>结论</translation>
    </message>
    <message>
        <source>All time</source>
        <translation>全部时间</translation>
    </message>
    <message>
        <source>This year</source>
        <translation>今年</translation>
    </message>
    <message>
        <source>Last 12 months</source>
        <translation>最近 12 个月</translation>
    </message>
    <message>
        <source>This month</source>
        <translation>本月</translation>
    </message>
    <message>
        <source>Custom dates</source>
        <translation>自定义日期</translation>
    </message>
    <message>
        <source>All categories</source>
        <translation>全部产品类别</translation>
    </message>
    <message>
        <source>All regions</source>
        <translation>全部地区</translation>
    </message>
    <message>
        <source>All enterprises</source>
        <translation>全部企业</translation>
    </message>
    <message>
        <source>All task sources</source>
        <translation>全部任务来源</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>应用</translation>
    </message>
    <message>
        <source>Export tables…</source>
        <translation>导出统计表…</translation>
    </message>
    <message>
        <source>Period:</source>
        <translation>期间：</translation>
    </message>
    <message>
        <source>Pass rate (合格率)</source>
        <translation>合格率</translation>
    </message>
    <message>
        <source>Non-conformity rate (不合格率)</source>
        <translation>不合格率</translation>
    </message>
    <message>
        <source>Not yet concluded</source>
        <translation>尚未出结论</translation>
    </message>
    <message>
        <source>Overdue reports</source>
        <translation>报告逾期</translation>
    </message>
    <message>
        <source>Failed, re-inspection window open</source>
        <translation>不合格且复检期未满</translation>
    </message>
    <message>
        <source>List overdue samples</source>
        <translation>列出逾期样品</translation>
    </message>
    <message>
        <source>Overdue samples</source>
        <translation>报告逾期样品</translation>
    </message>
    <message>
        <source>List them</source>
        <translation>列出样品</translation>
    </message>
    <message>
        <source>Failed samples, re-inspection window open</source>
        <translation>复检期内的不合格样品</translation>
    </message>
    <message>
        <source>Counting samples…</source>
        <translation>正在统计样品…</translation>
    </message>
    <message>
        <source>{0} concluded</source>
        <translation>已出结论 {0}</translation>
    </message>
    <message>
        <source>{0} passed of {1} judged</source>
        <translation>已判定 {1} 个，合格 {0} 个</translation>
    </message>
    <message>
        <source>{0} failed of {1} judged</source>
        <translation>已判定 {1} 个，不合格 {0} 个</translation>
    </message>
    <message>
        <source>{0} not judged (report only)</source>
        <translation>不判定 {0} 个（仅报告数据）</translation>
    </message>
    <message>
        <source>Samples of category {0}</source>
        <translation>{0} 类样品</translation>
    </message>
    <message>
        <source>Samples in state {0}</source>
        <translation>状态为“{0}”的样品</translation>
    </message>
    <message>
        <source>Samples failing {0}</source>
        <translation>{0} 不合格的样品</translation>
    </message>
    <message>
        <source>Failed samples of {0}</source>
        <translation>{0} 的不合格样品</translation>
    </message>
    <message>
        <source>{0}: {1} samples</source>
        <translation>{0}：{1} 个样品</translation>
    </message>
    <message>
        <source>Export dashboard tables</source>
        <translation>导出统计表</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx);;CSV (*.csv)</source>
        <translation>Excel 工作簿 (*.xlsx);;CSV (*.csv)</translation>
    </message>
    <message>
        <source>Exporting tables…</source>
        <translation>正在导出统计表…</translation>
    </message>
    <message>
        <source>Dashboard tables written to {0}</source>
        <translation>统计表已导出到 {0}</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <source>Sign off and export batch</source>
        <translation>签发并导出批次</translation>
    </message>
    <message>
        <source>{0} samples: {1} passed, {2} failed, {3} not judged. Pass rate {4}, non-conformity rate {5}.</source>
        <translation>共 {0} 个样品：合格 {1}，不合格 {2}，不判定 {3}。合格率 {4}，不合格率 {5}。</translation>
    </message>
    <message>
        <source>Failing items: {0}</source>
        <translation>不合格项目：{0}</translation>
    </message>
    <message>
        <source>I have checked this batch summary and sign the batch off for export</source>
        <translation>我已核对本批次汇总，同意签发导出</translation>
    </message>
    <message>
        <source>Key passphrase:</source>
        <translation>密钥口令：</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Write to folder:</source>
        <translation>写入文件夹：</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Export folder</source>
        <translation>导出文件夹</translation>
    </message>
</context>
<context>
    <name>ImportPreviewDialog</name>
    <message>
        <source>Import standards library — {0}</source>
        <translation>导入标准库 — {0}</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>{0} problems found; nothing will be imported. Fix the file and try again.</source>
        <translation>发现 {0} 个问题，不会导入任何内容。请修改文件后重试。</translation>
    </message>
    <message>
        <source>Row</source>
        <translation>行</translation>
    </message>
    <message>
        <source>Column</source>
        <translation>列</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>file</source>
        <translation>文件</translation>
    </message>
    <message>
        <source> It is marked SAMPLE DATA: not authoritative limits.</source>
        <translation>该库标记为“示例数据”：不是权威限量。</translation>
    </message>
    <message>
        <source>{0} standards, {1} categories, {2} items. Importing replaces the active library; samples already registered keep the limits frozen on them.{3}</source>
        <translation>{0} 个标准，{1} 个产品类别，{2} 个检验项目。导入将替换当前标准库；已登记样品保留其登记时冻结的限量。{3}</translation>
    </message>
    <message>
        <source>Standard</source>
        <translation>标准</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>产品类别</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>检验项目</translation>
    </message>
    <message>
        <source>Limit</source>
        <translation>限量</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>单位</translation>
    </message>
    <message>
        <source>Judgement</source>
        <translation>判定方法</translation>
    </message>
    <message>
        <source>LOD</source>
        <translation>检出限</translation>
    </message>
    <message>
        <source>LOQ</source>
        <translation>定量限</translation>
    </message>
</context>
<context>
    <name>ManagerCharts</name>
    <message>
        <source>Samples</source>
        <translation>样品数</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>不合格</translation>
    </message>
    <message>
        <source>Rate (%)</source>
        <translation>比率（%）</translation>
    </message>
    <message>
        <source>Pass rate</source>
        <translation>合格率</translation>
    </message>
    <message>
        <source>Non-conformity rate</source>
        <translation>不合格率</translation>
    </message>
</context>
<context>
    <name>ManagerFormat</name>
    <message>
        <source>Draft</source>
        <translation>草稿</translation>
    </message>
    <message>
        <source>Registered</source>
        <translation>已登记</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>已接收</translation>
    </message>
    <message>
        <source>Testing</source>
        <translation>检验中</translation>
    </message>
    <message>
        <source>Submitted</source>
        <translation>已提交</translation>
    </message>
    <message>
        <source>Reviewed</source>
        <translation>已审核</translation>
    </message>
    <message>
        <source>Approved</source>
        <translation>已批准</translation>
    </message>
    <message>
        <source>Exported</source>
        <translation>已导出</translation>
    </message>
    <message>
        <source>Returned</source>
        <translation>已退回</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Full value (全数值比较法)</source>
        <translation>全数值比较法</translation>
    </message>
    <message>
        <source>Rounded value (修约值比较法)</source>
        <translation>修约值比较法</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>No</source>
        <translation>否</translation>
    </message>
</context>
<context>
    <name>StandardsScreen</name>
    <message>
        <source>SAMPLE DATA: this library holds sample limits for demonstration, not authoritative values. Import your centre&apos;s official library.</source>
        <translation>示例数据：本标准库中的限量仅供演示，不是权威数值。请导入本中心的正式标准库。</translation>
    </message>
    <message>
        <source>Search items, standards, categories, methods…</source>
        <translation>搜索检验项目、标准、产品类别、检验方法…</translation>
    </message>
    <message>
        <source>Import library file…</source>
        <translation>导入标准库文件…</translation>
    </message>
    <message>
        <source>Export library…</source>
        <translation>导出标准库…</translation>
    </message>
    <message>
        <source>Mark abolished…</source>
        <translation>标记废止…</translation>
    </message>
    <message>
        <source>Standard / category</source>
        <translation>标准 / 产品类别</translation>
    </message>
    <message>
        <source>Items</source>
        <translation>项目数</translation>
    </message>
    <message>
        <source>Standards</source>
        <translation>标准</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>产品类别</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>检验项目</translation>
    </message>
    <message>
        <source>Limit</source>
        <translation>限量</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>单位</translation>
    </message>
    <message>
        <source>Judgement method</source>
        <translation>判定方法</translation>
    </message>
    <message>
        <source>Rounding interval</source>
        <translation>修约间隔</translation>
    </message>
    <message>
        <source>Decimals</source>
        <translation>小数位数</translation>
    </message>
    <message>
        <source>LOD</source>
        <translation>检出限</translation>
    </message>
    <message>
        <source>LOQ</source>
        <translation>定量限</translation>
    </message>
    <message>
        <source>Test method</source>
        <translation>检验方法</translation>
    </message>
    <message>
        <source>Standard</source>
        <translation>标准</translation>
    </message>
    <message>
        <source>In force</source>
        <translation>实施期间</translation>
    </message>
    <message>
        <source>Sample data</source>
        <translation>示例数据</translation>
    </message>
    <message>
        <source>Test items</source>
        <translation>检验项目</translation>
    </message>
    <message>
        <source> [abolished from {0}]</source>
        <translation> [自 {0} 起废止]</translation>
    </message>
    <message>
        <source> [sample data]</source>
        <translation> [示例数据]</translation>
    </message>
    <message>
        <source>SAMPLE DATA (verify)</source>
        <translation>示例数据（待核实）</translation>
    </message>
    <message>
        <source>Standards library file</source>
        <translation>标准库文件</translation>
    </message>
    <message>
        <source>Library files (*.csv *.xlsx)</source>
        <translation>标准库文件 (*.csv *.xlsx)</translation>
    </message>
    <message>
        <source>Sign in first.</source>
        <translation>请先登录。</translation>
    </message>
    <message>
        <source>Imported {0} test items.</source>
        <translation>已导入 {0} 个检验项目。</translation>
    </message>
    <message>
        <source>Export standards library</source>
        <translation>导出标准库</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx);;CSV (*.csv)</source>
        <translation>Excel 工作簿 (*.xlsx);;CSV (*.csv)</translation>
    </message>
    <message>
        <source>{0} test items written to {1}</source>
        <translation>已将 {0} 个检验项目写入 {1}</translation>
    </message>
    <message>
        <source>Choose a standard first.</source>
        <translation>请先选择一个标准。</translation>
    </message>
    <message>
        <source>{0} is marked abolished from {1}.</source>
        <translation>{0} 已标记为自 {1} 起废止。</translation>
    </message>
    <message>
        <source>No change: this is the library in use already.</source>
        <translation>无变化：这已是正在使用的标准库，未写入。</translation>
    </message>
</context>
</TS>
