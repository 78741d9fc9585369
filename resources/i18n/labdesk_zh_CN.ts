<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>About</name>
    <message>
        <source>(no signing key yet)</source>
        <translation>（尚无签名密钥）</translation>
    </message>
    <message>
        <source>Offline laboratory information system for product-quality inspection centres.</source>
        <translation>面向产品质量检验中心的离线实验室信息管理系统。</translation>
    </message>
    <message>
        <source>Qt {0}, PySide6 {1}</source>
        <translation>Qt {0}，PySide6 {1}</translation>
    </message>
    <message>
        <source>SQLite {0}</source>
        <translation>SQLite {0}</translation>
    </message>
    <message>
        <source>Database: {0}</source>
        <translation>数据库：{0}</translation>
    </message>
    <message>
        <source>Signing key fingerprint: {0}</source>
        <translation>签名密钥指纹：{0}</translation>
    </message>
    <message>
        <source>About LabDesk</source>
        <translation>关于 LabDesk</translation>
    </message>
</context>
<context>
    <name>AdminPage</name>
    <message>
        <source>The administrator</source>
        <translation>管理员</translation>
    </message>
    <message>
        <source>The administrator adds users and imports the standards library. Use a password of at least 8 characters.</source>
        <translation>管理员负责添加用户和导入标准库。密码至少 8 个字符。</translation>
    </message>
    <message>
        <source>Username</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Full name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Repeat password</source>
        <translation>再次输入密码</translation>
    </message>
    <message>
        <source>Enter a username.</source>
        <translation>请输入用户名。</translation>
    </message>
    <message>
        <source>The password needs at least {0} characters.</source>
        <translation>密码至少需要 {0} 个字符。</translation>
    </message>
    <message>
        <source>The two passwords differ.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
</context>
<context>
    <name>App</name>
    <message>
        <source>The demo database could not be created: {0}</source>
        <translation>无法创建演示数据库：{0}</translation>
    </message>
    <message>
        <source>This database is already open in another LabDesk window.

{0}

Switch to that window, or close it and try again.</source>
        <translation>该数据库已在另一个 LabDesk 窗口中打开。

{0}

请切换到那个窗口，或将其关闭后重试。</translation>
    </message>
    <message>
        <source>Already open</source>
        <translation>数据库已打开</translation>
    </message>
    <message>
        <source>Creating the demo database…</source>
        <translation>正在创建演示数据库…</translation>
    </message>
    <message>
        <source>LabDesk</source>
        <translation>LabDesk</translation>
    </message>
</context>
<context>
    <name>CancelSampleDialog</name>
    <message>
        <source>Cancel sample {0}</source>
        <translation>作废样品 {0}</translation>
    </message>
    <message>
        <source>The sample is kept, marked as cancelled, with this reason in its history and the audit trail. Reason (required):</source>
        <translation>样品不会被删除，而是标记为已作废，原因记入历史记录和审计记录。原因（必填）：</translation>
    </message>
    <message>
        <source>Cancel the sample</source>
        <translation>作废样品</translation>
    </message>
    <message>
        <source>Keep it</source>
        <translation>不作废</translation>
    </message>
</context>
<context>
    <name>CentrePage</name>
    <message>
        <source>Your inspection centre</source>
        <translation>本检验中心</translation>
    </message>
    <message>
        <source>LabDesk keeps one centre per database. These appear on reports and batches.</source>
        <translation>每个数据库对应一个检验中心。以下信息会出现在报告和批次文件中。</translation>
    </message>
    <message>
        <source>e.g. 某某县产品质量监督检验中心</source>
        <translation>例如：某某县产品质量监督检验中心</translation>
    </message>
    <message>
        <source>short code used in sample and batch numbers</source>
        <translation>用于样品编号和批次编号的简码</translation>
    </message>
    <message>
        <source>6-digit administrative division, e.g. 340100</source>
        <translation>6 位行政区划代码，例如 340100</translation>
    </message>
    <message>
        <source>Centre name</source>
        <translation>中心名称</translation>
    </message>
    <message>
        <source>Centre code</source>
        <translation>中心代码</translation>
    </message>
    <message>
        <source>Region code (GB/T 2260)</source>
        <translation>行政区划代码（GB/T 2260）</translation>
    </message>
    <message>
        <source>The region code is six digits.</source>
        <translation>行政区划代码为 6 位数字。</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <source>An unexpected error occurred inside LabDesk (a fault in the program, not in what you did).</source>
        <translation>LabDesk 内部发生意外错误（这是程序的缺陷，不是您操作的问题）。</translation>
    </message>
    <message>
        <source>The details are in the log file: {0}</source>
        <translation>详细信息见日志文件：{0}</translation>
    </message>
    <message>
        <source>LabDesk — error</source>
        <translation>LabDesk — 错误</translation>
    </message>
    <message>
        <source>LabDesk</source>
        <translation>LabDesk</translation>
    </message>
</context>
<context>
    <name>FinishPage</name>
    <message>
        <source>Ready</source>
        <translation>准备就绪</translation>
    </message>
    <message>
        <source>Finish creates the centre, the administrator account and (if chosen) the signing key. Then add the centre&apos;s users from the command line (labdesk --db PATH users add NAME --role technician|reviewer|manager) and, signed in as the administrator, import the standards library on the Standards screen. A key not created now can be created later with labdesk keys init.</source>
        <translation>点击“完成”将创建检验中心、管理员账号以及（如已选择）签名密钥。随后在命令行添加本中心的用户（labdesk --db 路径 users add 用户名 --role technician|reviewer|manager），并以管理员身份登录，在“标准库”页面导入标准库。未在此创建的密钥可稍后用 labdesk keys init 创建。</translation>
    </message>
</context>
<context>
    <name>FirstRunWizard</name>
    <message>
        <source>LabDesk — first run</source>
        <translation>LabDesk — 首次运行</translation>
    </message>
    <message>
        <source>Signing key not created</source>
        <translation>未创建签名密钥</translation>
    </message>
    <message>
        <source>The centre was created, but not the signing key: {0}</source>
        <translation>检验中心已创建，但签名密钥未创建：{0}</translation>
    </message>
</context>
<context>
    <name>History</name>
    <message>
        <source>Created</source>
        <translation>新建</translation>
    </message>
    <message>
        <source>Changed</source>
        <translation>修改</translation>
    </message>
    <message>
        <source>Saved as draft</source>
        <translation>存为草稿</translation>
    </message>
    <message>
        <source>Registered</source>
        <translation>已登记</translation>
    </message>
    <message>
        <source>Items frozen</source>
        <translation>固定检验项目</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>已收样</translation>
    </message>
    <message>
        <source>Testing started</source>
        <translation>开始检验</translation>
    </message>
    <message>
        <source>Result entered</source>
        <translation>录入结果</translation>
    </message>
    <message>
        <source>Result corrected</source>
        <translation>更正结果</translation>
    </message>
    <message>
        <source>Retest</source>
        <translation>复检</translation>
    </message>
    <message>
        <source>Conclusion</source>
        <translation>结论</translation>
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
        <source>Returned</source>
        <translation>已退回</translation>
    </message>
    <message>
        <source>Reopened</source>
        <translation>重新打开</translation>
    </message>
    <message>
        <source>Approved</source>
        <translation>已批准</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已作废</translation>
    </message>
    <message>
        <source>Exported</source>
        <translation>已上报</translation>
    </message>
    <message>
        <source>sample</source>
        <translation>样品</translation>
    </message>
    <message>
        <source>test item</source>
        <translation>检验项目</translation>
    </message>
    <message>
        <source>result</source>
        <translation>检验结果</translation>
    </message>
    <message>
        <source>workflow</source>
        <translation>流程</translation>
    </message>
    <message>
        <source>state</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>replaced by</source>
        <translation>被替代为</translation>
    </message>
    <message>
        <source>conclusion code</source>
        <translation>结论代码</translation>
    </message>
    <message>
        <source>conclusion</source>
        <translation>结论</translation>
    </message>
    <message>
        <source>conclusion (Chinese)</source>
        <translation>结论（中文）</translation>
    </message>
    <message>
        <source>conclusion (English)</source>
        <translation>结论（英文）</translation>
    </message>
    <message>
        <source>failing items</source>
        <translation>不合格项目</translation>
    </message>
    <message>
        <source>received on</source>
        <translation>收样日期</translation>
    </message>
    <message>
        <source>report due</source>
        <translation>报告期限</translation>
    </message>
    <message>
        <source>export batch</source>
        <translation>上报批次</translation>
    </message>
</context>
<context>
    <name>KeysPage</name>
    <message>
        <source>Batch signing key</source>
        <translation>批次签名密钥</translation>
    </message>
    <message>
        <source>Approved results leave the centre in signed batches. The private key is stored encrypted under this passphrase, which LabDesk never stores: keep it safe, the manager needs it to sign batches.</source>
        <translation>已批准的结果以签名批次文件报出。私钥用此口令加密保存，LabDesk 不保存口令：请妥善保管，批准人签发批次时需要它。</translation>
    </message>
    <message>
        <source>Create the signing key now</source>
        <translation>现在创建签名密钥</translation>
    </message>
    <message>
        <source>SM2 with SM3 (national standard)</source>
        <translation>SM2/SM3（国密算法）</translation>
    </message>
    <message>
        <source>Algorithm</source>
        <translation>算法</translation>
    </message>
    <message>
        <source>Passphrase</source>
        <translation>口令</translation>
    </message>
    <message>
        <source>Repeat passphrase</source>
        <translation>再次输入口令</translation>
    </message>
    <message>
        <source>The passphrase needs at least {0} characters.</source>
        <translation>口令至少需要 {0} 个字符。</translation>
    </message>
    <message>
        <source>The two passphrases differ.</source>
        <translation>两次输入的口令不一致。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>LabDesk — {0}</source>
        <translation>LabDesk — {0}</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>Sign &amp;out</source>
        <translation>退出登录(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Go</source>
        <translation>转到(&amp;G)</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>刷新(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Settings</source>
        <translation>设置(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About LabDesk</source>
        <translation>关于 LabDesk(&amp;A)</translation>
    </message>
    <message>
        <source>User: {0} ({1})</source>
        <translation>用户：{0}（{1}）</translation>
    </message>
    <message>
        <source>Not signed in</source>
        <translation>未登录</translation>
    </message>
    <message>
        <source>Database: {0}</source>
        <translation>数据库：{0}</translation>
    </message>
    <message>
        <source>Approved, not yet sent: {0}</source>
        <translation>已批准未上报：{0}</translation>
    </message>
    <message>
        <source>The language changes the next time LabDesk starts.</source>
        <translation>界面语言将在下次启动 LabDesk 时生效。</translation>
    </message>
</context>
<context>
    <name>Operation</name>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Working…</source>
        <translation>正在处理…</translation>
    </message>
</context>
<context>
    <name>ProgressHost</name>
    <message>
        <source>Working…</source>
        <translation>正在处理…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>QueueModel</name>
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
        <translation>被抽样单位</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Attention</source>
        <translation>需关注</translation>
    </message>
    <message>
        <source>{0} failing</source>
        <translation>{0} 项不合格</translation>
    </message>
    <message>
        <source>{0} edited</source>
        <translation>{0} 项已修改</translation>
    </message>
    <message>
        <source>{0} retested</source>
        <translation>{0} 项复检</translation>
    </message>
</context>
<context>
    <name>ResultEntryScreen</name>
    <message>
        <source>By sample</source>
        <translation>按样品</translation>
    </message>
    <message>
        <source>By item across samples</source>
        <translation>按项目（跨样品）</translation>
    </message>
    <message>
        <source>Sample number, then Enter</source>
        <translation>输入样品编号后按回车</translation>
    </message>
    <message>
        <source>Start testing</source>
        <translation>开始检验</translation>
    </message>
    <message>
        <source>Submit sample</source>
        <translation>提交样品</translation>
    </message>
    <message>
        <source>Send the complete sample to review (Ctrl+Enter)</source>
        <translation>将已完成的样品提交审核（Ctrl+Enter）</translation>
    </message>
    <message>
        <source>{0} samples loaded (more load as you scroll)</source>
        <translation>已载入 {0} 个样品（滚动时继续载入）</translation>
    </message>
    <message>
        <source>Type a sample number to enter its results.</source>
        <translation>输入样品编号以录入结果。</translation>
    </message>
    <message>
        <source>{0} — {1} — {2} — state: {3}</source>
        <translation>{0} — {1} — {2} — 状态：{3}</translation>
    </message>
    <message>
        <source>Testing started.</source>
        <translation>已开始检验。</translation>
    </message>
    <message>
        <source>Sample {0} submitted for review.</source>
        <translation>样品 {0} 已提交审核。</translation>
    </message>
</context>
<context>
    <name>ResultGrid</name>
    <message>
        <source>Sample</source>
        <translation>样品</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>检验项目</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>单位</translation>
    </message>
    <message>
        <source>Limit</source>
        <translation>标准要求</translation>
    </message>
    <message>
        <source>Judged by</source>
        <translation>判定方法</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>检验结果</translation>
    </message>
    <message>
        <source>Reported</source>
        <translation>报告值</translation>
    </message>
    <message>
        <source>Verdict</source>
        <translation>单项判定</translation>
    </message>
    <message>
        <source>Explanation</source>
        <translation>判定说明</translation>
    </message>
    <message>
        <source>Instrument</source>
        <translation>仪器</translation>
    </message>
</context>
<context>
    <name>ResultGridModel</name>
    <message>
        <source>Preview of what you are typing — not saved until accepted</source>
        <translation>正在输入内容的预览 — 确认后才保存</translation>
    </message>
    <message>
        <source>Retest, attempt {0}</source>
        <translation>复检，第 {0} 次</translation>
    </message>
    <message>
        <source>Invalid</source>
        <translation>无效</translation>
    </message>
    <message>
        <source>A result cannot be emptied; type the correct value.</source>
        <translation>结果不能清空，请输入正确的值。</translation>
    </message>
    <message>
        <source>Saved {0} = {1}: {2}</source>
        <translation>已保存 {0} = {1}：{2}</translation>
    </message>
    <message>
        <source>Enter the result before its instrument.</source>
        <translation>请先录入结果，再填写仪器。</translation>
    </message>
    <message>
        <source>Type the instrument (name or number).</source>
        <translation>请填写仪器（名称或编号）。</translation>
    </message>
    <message>
        <source>Instrument of {0}: {1}</source>
        <translation>{0} 的仪器：{1}</translation>
    </message>
    <message>
        <source>Retest of {0} = {1}: {2}</source>
        <translation>复检 {0} = {1}：{2}</translation>
    </message>
</context>
<context>
    <name>ResultTableView</name>
    <message>
        <source>Record a &amp;retest…</source>
        <translation>记录复检(&amp;R)…</translation>
    </message>
    <message>
        <source>Set the &amp;instrument…</source>
        <translation>填写仪器(&amp;I)…</translation>
    </message>
    <message>
        <source>Reason for the change</source>
        <translation>修改原因</translation>
    </message>
    <message>
        <source>This sample was already submitted. Why is the result changed? (kept in the audit trail)</source>
        <translation>该样品已提交。为什么修改结果？（记入审计记录）</translation>
    </message>
    <message>
        <source>Instrument</source>
        <translation>仪器</translation>
    </message>
    <message>
        <source>Instrument used for {0} (name or number):</source>
        <translation>{0} 所用仪器（名称或编号）：</translation>
    </message>
    <message>
        <source>Enter the result before its instrument.</source>
        <translation>请先录入结果，再填写仪器。</translation>
    </message>
    <message>
        <source>Enter a first result before a retest.</source>
        <translation>请先录入首次结果再复检。</translation>
    </message>
    <message>
        <source>Pasted: {0} accepted, {1} refused.</source>
        <translation>粘贴：接受 {0} 个，拒绝 {1} 个。</translation>
    </message>
    <message>
        <source>First refusal: {0}</source>
        <translation>第一个被拒绝的原因：{0}</translation>
    </message>
</context>
<context>
    <name>RetestDialog</name>
    <message>
        <source>Retest — {0}</source>
        <translation>复检 — {0}</translation>
    </message>
    <message>
        <source>Current result</source>
        <translation>当前结果</translation>
    </message>
    <message>
        <source>Retest result</source>
        <translation>复检结果</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
</context>
<context>
    <name>ReviewScreen</name>
    <message>
        <source>Submitted — to review</source>
        <translation>已提交 — 待审核</translation>
    </message>
    <message>
        <source>Reviewed — to approve</source>
        <translation>已审核 — 待批准</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>检验项目</translation>
    </message>
    <message>
        <source>Limit</source>
        <translation>标准要求</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>检验结果</translation>
    </message>
    <message>
        <source>Reported</source>
        <translation>报告值</translation>
    </message>
    <message>
        <source>Verdict</source>
        <translation>单项判定</translation>
    </message>
    <message>
        <source>Attempt</source>
        <translation>次数</translation>
    </message>
    <message>
        <source>Explanation</source>
        <translation>判定说明</translation>
    </message>
    <message>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>操作人</translation>
    </message>
    <message>
        <source>What</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Old</source>
        <translation>原值</translation>
    </message>
    <message>
        <source>New</source>
        <translation>新值</translation>
    </message>
    <message>
        <source>Why</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Comment (optional for review/approval)</source>
        <translation>意见（审核/批准时可选）</translation>
    </message>
    <message>
        <source>Mark &amp;reviewed</source>
        <translation>审核通过(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Approve</source>
        <translation>批准(&amp;A)</translation>
    </message>
    <message>
        <source>Re&amp;turn…</source>
        <translation>退回(&amp;T)…</translation>
    </message>
    <message>
        <source>History (audit trail)</source>
        <translation>历史记录（审计追踪）</translation>
    </message>
    <message>
        <source>Nothing waiting here.</source>
        <translation>暂无待处理样品。</translation>
    </message>
    <message>
        <source>Marked reviewed.</source>
        <translation>已审核。</translation>
    </message>
    <message>
        <source>Returned for rework.</source>
        <translation>已退回重新检验。</translation>
    </message>
    <message>
        <source>Return the sample</source>
        <translation>退回样品</translation>
    </message>
    <message>
        <source>Why is it returned? (the technician sees this)</source>
        <translation>退回原因？（检验员可见）</translation>
    </message>
    <message>
        <source>A return needs a reason.</source>
        <translation>退回必须填写原因。</translation>
    </message>
</context>
<context>
    <name>Roles</name>
    <message>
        <source>Technician</source>
        <translation>检验员</translation>
    </message>
    <message>
        <source>Reviewer</source>
        <translation>审核员</translation>
    </message>
    <message>
        <source>Manager</source>
        <translation>批准人</translation>
    </message>
    <message>
        <source>Administrator</source>
        <translation>管理员</translation>
    </message>
</context>
<context>
    <name>SampleList</name>
    <message>
        <source>Sample no.</source>
        <translation>样品编号</translation>
    </message>
    <message>
        <source>Sample</source>
        <translation>样品</translation>
    </message>
    <message>
        <source>Sampled unit</source>
        <translation>被抽样单位</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Sampled on</source>
        <translation>抽样日期</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Conclusion</source>
        <translation>结论</translation>
    </message>
    <message>
        <source>Report due</source>
        <translation>报告期限</translation>
    </message>
</context>
<context>
    <name>SamplesScreen</name>
    <message>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Filter: sample number, name, batch, enterprise or USCC</source>
        <translation>筛选：样品编号、名称、批号、单位名称或统一社会信用代码</translation>
    </message>
    <message>
        <source>&amp;New sample…</source>
        <translation>新建样品(&amp;N)…</translation>
    </message>
    <message>
        <source>Cancel sample…</source>
        <translation>作废样品…</translation>
    </message>
    <message>
        <source>Show all samples</source>
        <translation>显示全部样品</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>{0} ({1} samples)</source>
        <translation>{0}（{1} 个样品）</translation>
    </message>
    <message>
        <source>{0}+ samples (more load as you scroll)</source>
        <translation>{0}+ 个样品（滚动时继续载入）</translation>
    </message>
    <message>
        <source>{0} samples</source>
        <translation>{0} 个样品</translation>
    </message>
    <message>
        <source>Select the sample to cancel first.</source>
        <translation>请先选择要作废的样品。</translation>
    </message>
    <message>
        <source>Not cancelled: {0}</source>
        <translation>未作废：{0}</translation>
    </message>
    <message>
        <source>Sample cancelled.</source>
        <translation>样品已作废。</translation>
    </message>
    <message>
        <source>&amp;Edit…</source>
        <translation>编辑(&amp;E)…</translation>
    </message>
    <message>
        <source>Open the selected sample's sampling form to correct it (F2)</source>
        <translation>打开所选样品的抽样单进行更正（F2）</translation>
    </message>
    <message>
        <source>Select the sample to edit first.</source>
        <translation>请先选择要编辑的样品。</translation>
    </message>
    <message>
        <source>A sample that is {0} can no longer be edited.</source>
        <translation>样品状态为{0}，已不能编辑。</translation>
    </message>
    <message>
        <source>Sample {0} saved ({1}).</source>
        <translation>样品 {0} 已保存（{1}）。</translation>
    </message>
    <message>
        <source>Draft saved: open it with Edit… (F2) to finish.</source>
        <translation>草稿已保存：用“编辑…”（F2）打开后继续填写。</translation>
    </message>
</context>
<context>
    <name>SamplingForm</name>
    <message>
        <source>Form</source>
        <translation>抽样单</translation>
    </message>
    <message>
        <source>Form number</source>
        <translation>抽样单编号</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>抽检任务</translation>
    </message>
    <message>
        <source>Product category</source>
        <translation>产品类别</translation>
    </message>
    <message>
        <source>Sampling date</source>
        <translation>抽样日期</translation>
    </message>
    <message>
        <source>Sampled unit</source>
        <translation>被抽样单位</translation>
    </message>
    <message>
        <source>18 characters, e.g. 914403001922038216</source>
        <translation>18 位，例如 914403001922038216</translation>
    </message>
    <message>
        <source>type to search registered units</source>
        <translation>输入以查找已登记单位</translation>
    </message>
    <message>
        <source>Unified social credit code</source>
        <translation>统一社会信用代码</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Legal representative</source>
        <translation>法定代表人</translation>
    </message>
    <message>
        <source>Contact</source>
        <translation>联系人</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>Region type</source>
        <translation>区域类型</translation>
    </message>
    <message>
        <source>Sampling place</source>
        <translation>抽样场所</translation>
    </message>
    <message>
        <source>Nominal producer</source>
        <translation>标称生产者</translation>
    </message>
    <message>
        <source>Sample</source>
        <translation>样品</translation>
    </message>
    <message>
        <source>e.g. kg, 件, 袋</source>
        <translation>例如 kg、件、袋</translation>
    </message>
    <message>
        <source>Sample name</source>
        <translation>样品名称</translation>
    </message>
    <message>
        <source>Brand</source>
        <translation>商标</translation>
    </message>
    <message>
        <source>Specification / model</source>
        <translation>规格型号</translation>
    </message>
    <message>
        <source>Batch number</source>
        <translation>批号</translation>
    </message>
    <message>
        <source>Production date</source>
        <translation>生产日期</translation>
    </message>
    <message>
        <source>Shelf life</source>
        <translation>保质期</translation>
    </message>
    <message>
        <source>Executive standard</source>
        <translation>执行标准</translation>
    </message>
    <message>
        <source>Quality grade</source>
        <translation>质量等级</translation>
    </message>
    <message>
        <source>Production licence no.</source>
        <translation>生产许可证编号</translation>
    </message>
    <message>
        <source>Lot size (sampling base)</source>
        <translation>抽样基数</translation>
    </message>
    <message>
        <source>Sample quantity</source>
        <translation>抽样数量</translation>
    </message>
    <message>
        <source>Reserve quantity</source>
        <translation>备样数量</translation>
    </message>
    <message>
        <source>Quantity unit</source>
        <translation>数量单位</translation>
    </message>
    <message>
        <source>Form / packaging</source>
        <translation>样品形态 / 包装</translation>
    </message>
    <message>
        <source>Unit price (yuan)</source>
        <translation>单价（元）</translation>
    </message>
    <message>
        <source>Samplers and sealing</source>
        <translation>抽样人员与封样</translation>
    </message>
    <message>
        <source>more, separated by commas</source>
        <translation>其他人员，用逗号分隔</translation>
    </message>
    <message>
        <source>Sample sealed (封样)</source>
        <translation>已封样</translation>
    </message>
    <message>
        <source>Sampled unit acknowledged and signed</source>
        <translation>被抽样单位已确认签字</translation>
    </message>
    <message>
        <source>Samplers (at least two)</source>
        <translation>抽样人员（至少两名）</translation>
    </message>
    <message>
        <source>Sampling organisation</source>
        <translation>抽样单位</translation>
    </message>
    <message>
        <source>Test items to be frozen onto this sample</source>
        <translation>将固定到本样品的检验项目</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>检验项目</translation>
    </message>
    <message>
        <source>Limit</source>
        <translation>标准要求</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>单位</translation>
    </message>
    <message>
        <source>Judged by</source>
        <translation>判定方法</translation>
    </message>
    <message>
        <source>Standard</source>
        <translation>标准</translation>
    </message>
    <message>
        <source>[sample data]</source>
        <translation>［示例数据］</translation>
    </message>
    <message>
        <source>New unit: it is registered when the form is saved.</source>
        <translation>新单位：保存抽样单时一并登记。</translation>
    </message>
    <message>
        <source>Not a date: write YYYY-MM-DD, e.g. 2026-03-18.</source>
        <translation>日期无效：请按 YYYY-MM-DD 填写，例如 2026-03-18。</translation>
    </message>
    <message>
        <source>The sampling date is in the future.</source>
        <translation>抽样日期晚于今天。</translation>
    </message>
    <message>
        <source>The production date is after the sampling date.</source>
        <translation>生产日期晚于抽样日期。</translation>
    </message>
    <message>
        <source>Not a number: write a decimal such as 2 or 1.5.</source>
        <translation>不是数字：请填写 2 或 1.5 这样的数值。</translation>
    </message>
    <message>
        <source>Write a plain decimal (no exponent).</source>
        <translation>请填写普通小数（不要用科学计数法）。</translation>
    </message>
    <message>
        <source>A quantity cannot be negative.</source>
        <translation>数量不能为负数。</translation>
    </message>
    <message>
        <source>At least two samplers, each named.</source>
        <translation>至少两名抽样人员，须写明姓名。</translation>
    </message>
    <message>
        <source>The samplers must be different people.</source>
        <translation>抽样人员不能重复。</translation>
    </message>
    <message>
        <source>{0} items in force on {1}: {2}</source>
        <translation>{1} 有效的检验项目 {0} 项：{2}</translation>
    </message>
    <message>
        <source>The sampled unit&apos;s code is required.</source>
        <translation>必须填写被抽样单位的统一社会信用代码。</translation>
    </message>
    <message>
        <source>The sampled unit&apos;s name is required.</source>
        <translation>必须填写被抽样单位名称。</translation>
    </message>
    <message>
        <source>Required.</source>
        <translation>必填。</translation>
    </message>
    <message>
        <source>{0} items frozen onto this sample</source>
        <translation>本样品已固定 {0} 个检验项目</translation>
    </message>
    <message>
        <source>The category and sampling date fixed the frozen test items: cancel the sample and register it again to change them.</source>
        <translation>产品类别和抽样日期决定了已固定的检验项目：如需更改，请作废该样品后重新登记。</translation>
    </message>
</context>
<context>
    <name>SamplingFormDialog</name>
    <message>
        <source>Sampling form</source>
        <translation>抽样单</translation>
    </message>
    <message>
        <source>Save the form (Ctrl+S)</source>
        <translation>保存抽样单（Ctrl+S）</translation>
    </message>
    <message>
        <source>Please correct the fields marked in red.</source>
        <translation>请更正红色标出的栏目。</translation>
    </message>
    <message>
        <source>Save as &amp;draft</source>
        <translation>保存为草稿(&amp;D)</translation>
    </message>
    <message>
        <source>Keep an incomplete form as a draft; register it later</source>
        <translation>将未填完的抽样单保存为草稿，稍后再登记</translation>
    </message>
    <message>
        <source>&amp;Register</source>
        <translation>登记(&amp;R)</translation>
    </message>
    <message>
        <source>Register the completed draft: its test items are frozen</source>
        <translation>登记已填完的草稿：固定其检验项目</translation>
    </message>
    <message>
        <source>required once the sample is received</source>
        <translation>样品收样后必须填写</translation>
    </message>
    <message>
        <source>Reason for the change</source>
        <translation>修改原因</translation>
    </message>
    <message>
        <source>Sampling form {0} ({1})</source>
        <translation>抽样单 {0}（{1}）</translation>
    </message>
    <message>
        <source>Nothing was changed.</source>
        <translation>没有任何修改。</translation>
    </message>
</context>
<context>
    <name>ScreenLoadError</name>
    <message>
        <source>This screen could not be opened: {0}</source>
        <translation>无法打开此页面：{0}</translation>
    </message>
    <message>
        <source>It opens by itself when you come back to it, or press F5 (Refresh) to try now.</source>
        <translation>回到此页面时会自动重新打开，也可按 F5（刷新）立即重试。</translation>
    </message>
</context>
<context>
    <name>Screens</name>
    <message>
        <source>Tasks</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>Samples</source>
        <translation>样品</translation>
    </message>
    <message>
        <source>Result entry</source>
        <translation>结果录入</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>审核</translation>
    </message>
    <message>
        <source>Batches</source>
        <translation>批次</translation>
    </message>
    <message>
        <source>Dashboard</source>
        <translation>统计</translation>
    </message>
    <message>
        <source>Standards</source>
        <translation>标准库</translation>
    </message>
    <message>
        <source>Audit trail</source>
        <translation>审计记录</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <source>LabDesk — sign in</source>
        <translation>LabDesk — 登录</translation>
    </message>
    <message>
        <source>Database: {0}</source>
        <translation>数据库：{0}</translation>
    </message>
    <message>
        <source>&amp;Username</source>
        <translation>用户名(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Password</source>
        <translation>密码(&amp;P)</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>Demo database — these accounts exist (double-click one to fill in):</source>
        <translation>演示数据库 — 可用以下账号（双击填入）：</translation>
    </message>
    <message>
        <source>Username</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Enter your username.</source>
        <translation>请输入用户名。</translation>
    </message>
</context>
<context>
    <name>States</name>
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
        <translation>已收样</translation>
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
        <translation>已上报</translation>
    </message>
    <message>
        <source>Returned</source>
        <translation>已退回</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已作废</translation>
    </message>
</context>
<context>
    <name>TaskDialog</name>
    <message>
        <source>New sampling task</source>
        <translation>新建抽检任务</translation>
    </message>
    <message>
        <source>e.g. 安徽省市场监督管理局</source>
        <translation>例如：安徽省市场监督管理局</translation>
    </message>
    <message>
        <source>Task number</source>
        <translation>任务编号</translation>
    </message>
    <message>
        <source>Task source</source>
        <translation>任务来源</translation>
    </message>
    <message>
        <source>Task category</source>
        <translation>任务类别</translation>
    </message>
    <message>
        <source>Plan</source>
        <translation>计划</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>截止日期</translation>
    </message>
</context>
<context>
    <name>TasksScreen</name>
    <message>
        <source>New &amp;task…</source>
        <translation>新建任务(&amp;T)…</translation>
    </message>
    <message>
        <source>Task no.</source>
        <translation>任务编号</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>截止日期</translation>
    </message>
    <message>
        <source>Samples</source>
        <translation>样品</translation>
    </message>
    <message>
        <source>In testing</source>
        <translation>检验中</translation>
    </message>
    <message>
        <source>To review</source>
        <translation>待审核</translation>
    </message>
    <message>
        <source>Approved</source>
        <translation>已批准</translation>
    </message>
    <message>
        <source>Exported</source>
        <translation>已上报</translation>
    </message>
    <message>
        <source>My work — {0} waiting</source>
        <translation>我的工作 — 待处理 {0}</translation>
    </message>
</context>
<context>
    <name>Verdict</name>
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
        <translation>未判定</translation>
    </message>
    <message>
        <source>Rounded value</source>
        <translation>修约值比较法</translation>
    </message>
    <message>
        <source>Full value</source>
        <translation>全数值比较法</translation>
    </message>
</context>
</TS>
