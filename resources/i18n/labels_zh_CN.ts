<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>LabelsDialog</name>
    <message>
        <source>&amp;Print…</source>
        <translation>打印(&amp;P)…</translation>
    </message>
    <message>
        <source>50 × 30 mm labels (roll)</source>
        <translation>50 × 30 毫米标签（卷纸）</translation>
    </message>
    <message>
        <source>70 × 40 mm labels (roll)</source>
        <translation>70 × 40 毫米标签（卷纸）</translation>
    </message>
    <message>
        <source>A4 sheets, 3 × 7 labels of 70 × 40 mm</source>
        <translation>A4 标签纸，每页 3 × 7 张 70 × 40 毫米</translation>
    </message>
    <message>
        <source>Backup portion</source>
        <translation>备份样</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Label stock</source>
        <translation>标签规格</translation>
    </message>
    <message>
        <source>Labels</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>Labels for {0}</source>
        <translation>{0} 的标签</translation>
    </message>
    <message>
        <source>Open this after each registration</source>
        <translation>每次登记样品后自动打开</translation>
    </message>
    <message>
        <source>Printing failed: {0}</source>
        <translation>打印失败：{0}</translation>
    </message>
    <message>
        <source>Re-test portion</source>
        <translation>复检样</translation>
    </message>
    <message>
        <source>Sample</source>
        <translation>样品</translation>
    </message>
    <message>
        <source>Save &amp;PDF…</source>
        <translation>保存 PDF(&amp;F)…</translation>
    </message>
    <message>
        <source>Save labels as PDF</source>
        <translation>将标签保存为 PDF</translation>
    </message>
    <message>
        <source>Test portion</source>
        <translation>检验样</translation>
    </message>
    <message>
        <source>{0} labels saved to {1} ({2} pages).</source>
        <translation>已将 {0} 张标签保存到 {1}（共 {2} 页）。</translation>
    </message>
    <message>
        <source>{0} labels sent to the printer.</source>
        <translation>已将 {0} 张标签送往打印机。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>&amp;Scan a sample…</source>
        <translation>扫码查找样品(&amp;S)…</translation>
    </message>
</context>
<context>
    <name>PassphraseDialog</name>
    <message>
        <source>Approving issues the report signed with the centre's key. Enter the key's passphrase (asked once until you sign out):</source>
        <translation>批准即以本中心密钥签发报告。请输入密钥口令（退出登录前只需输入一次）：</translation>
    </message>
    <message>
        <source>Demo database: the demo key's passphrase is {0}</source>
        <translation>演示数据库：演示密钥的口令为 {0}</translation>
    </message>
    <message>
        <source>Signing key</source>
        <translation>签名密钥</translation>
    </message>
    <message>
        <source>That passphrase does not open the key. Try again.</source>
        <translation>口令不正确，无法打开密钥，请重试。</translation>
    </message>
</context>
<context>
    <name>ReceivingDialog</name>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>Receive samples by scanning</source>
        <translation>扫码收样</translation>
    </message>
    <message>
        <source>Received: {0}</source>
        <translation>已收样：{0}</translation>
    </message>
    <message>
        <source>Sample {0} received.</source>
        <translation>样品 {0} 已收样。</translation>
    </message>
    <message>
        <source>Scan each sample's label (or type its number and press Enter). Each scan marks the sample received today.</source>
        <translation>逐个扫描样品标签（或输入样品编号后按回车），每扫一个即登记为今日收样。</translation>
    </message>
</context>
<context>
    <name>ReportDialog</name>
    <message>
        <source>&amp;Correct…</source>
        <translation>更正(&amp;C)…</translation>
    </message>
    <message>
        <source>&amp;Withdraw…</source>
        <translation>作废(&amp;W)…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Correct report of {0}</source>
        <translation>更正 {0} 的报告</translation>
    </message>
    <message>
        <source>Correction opened: the sample is back with the technicians.</source>
        <translation>已发起更正：样品已退回检验员。</translation>
    </message>
    <message>
        <source>In force</source>
        <translation>有效</translation>
    </message>
    <message>
        <source>Issued</source>
        <translation>签发时间</translation>
    </message>
    <message>
        <source>No report has been issued for this sample yet.</source>
        <translation>该样品尚未签发报告。</translation>
    </message>
    <message>
        <source>Open a correction: the sample goes back for rework and is approved again</source>
        <translation>发起更正：样品退回重新处理，再次批准后签发更正版</translation>
    </message>
    <message>
        <source>Open the correction</source>
        <translation>发起更正</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Report no.</source>
        <translation>报告编号</translation>
    </message>
    <message>
        <source>Report of sample {0}</source>
        <translation>样品 {0} 的检验报告</translation>
    </message>
    <message>
        <source>Report withdrawn; HQ is told with the next batch.</source>
        <translation>报告已作废；下一批次将通知省局。</translation>
    </message>
    <message>
        <source>Save &amp;PDF…</source>
        <translation>保存 PDF(&amp;F)…</translation>
    </message>
    <message>
        <source>Save the report PDF</source>
        <translation>保存报告 PDF</translation>
    </message>
    <message>
        <source>Saved {0} as issued; this version is no longer in force ({1}).</source>
        <translation>已按签发原样保存 {0}；此版本已不再有效（{1}）。</translation>
    </message>
    <message>
        <source>Saved {0}, the report in force.</source>
        <translation>已保存 {0}（现行有效报告）。</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Superseded</source>
        <translation>已被替代</translation>
    </message>
    <message>
        <source>The report in force stays as issued. The sample goes back for rework; when it is approved again the corrected version is issued and replaces it. Reason for the correction (required, printed on the new version):</source>
        <translation>现行报告保持原样。样品退回重新处理，再次批准后签发更正版并替代原报告。更正原因（必填，将印在新版报告上）：</translation>
    </message>
    <message>
        <source>The report is kept, marked withdrawn, and HQ is told with the next batch. Reason (required):</source>
        <translation>报告将保留并标记为作废，下一批次将通知省局。原因（必填）：</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <source>Withdraw report of {0}</source>
        <translation>作废 {0} 的报告</translation>
    </message>
    <message>
        <source>Withdraw the report</source>
        <translation>作废报告</translation>
    </message>
    <message>
        <source>Withdrawn</source>
        <translation>已作废</translation>
    </message>
</context>
<context>
    <name>ResultEntryScreen</name>
    <message>
        <source>Sample {0} is not in this list (no such item awaiting a result).</source>
        <translation>样品 {0} 不在此列表中（没有该项目待录入）。</translation>
    </message>
    <message>
        <source>Scan or type a sample number to jump to its row</source>
        <translation>扫码或输入样品编号，跳到该行</translation>
    </message>
</context>
<context>
    <name>ReviewScreen</name>
    <message>
        <source>Approved, but the report PDF could not be kept: {0}</source>
        <translation>已批准，但报告 PDF 未能保存：{0}</translation>
    </message>
    <message>
        <source>Approved; the report is issued.</source>
        <translation>已批准，报告已签发。</translation>
    </message>
    <message>
        <source>Sample {0} is not in this queue ({1}).</source>
        <translation>样品 {0} 不在此队列中（{1}）。</translation>
    </message>
    <message>
        <source>Scan or type a sample number, then Enter</source>
        <translation>扫码或输入样品编号后按回车</translation>
    </message>
</context>
<context>
    <name>SamplesScreen</name>
    <message>
        <source>&amp;Labels…</source>
        <translation>标签(&amp;L)…</translation>
    </message>
    <message>
        <source>&amp;Receive by scanning…</source>
        <translation>扫码收样(&amp;R)…</translation>
    </message>
    <message>
        <source>Print the selected sample's labels (Ctrl+L)</source>
        <translation>打印所选样品的标签（Ctrl+L）</translation>
    </message>
    <message>
        <source>Re&amp;port…</source>
        <translation>报告(&amp;P)…</translation>
    </message>
    <message>
        <source>Select the sample first.</source>
        <translation>请先选择样品。</translation>
    </message>
    <message>
        <source>Select the sample to label first.</source>
        <translation>请先选择要打印标签的样品。</translation>
    </message>
    <message>
        <source>The issued report: versions, PDF, correction, withdrawal</source>
        <translation>已签发的报告：版本、PDF、更正、作废</translation>
    </message>
</context>
<context>
    <name>ScanDialog</name>
    <message>
        <source>Scan a label or type a sample number, then Enter</source>
        <translation>扫描标签或输入样品编号后按回车</translation>
    </message>
    <message>
        <source>Scan a sample</source>
        <translation>扫码查找样品</translation>
    </message>
</context>
<context>
    <name>Scanning</name>
    <message>
        <source>No sample has the code {0}.</source>
        <translation>没有编码为 {0} 的样品。</translation>
    </message>
    <message>
        <source>Sample {0} is cancelled: it cannot be received or used.</source>
        <translation>样品 {0} 已取消，不能收样或使用。</translation>
    </message>
    <message>
        <source>Sample {0} is still a draft: register it first.</source>
        <translation>样品 {0} 仍是草稿，请先登记。</translation>
    </message>
    <message>
        <source>Sample {0} was received before (now: {1}).</source>
        <translation>样品 {0} 此前已收样（当前状态：{1}）。</translation>
    </message>
    <message>
        <source>Sample {0} was scanned already in this run.</source>
        <translation>样品 {0} 本次已扫描过。</translation>
    </message>
</context>
</TS>
