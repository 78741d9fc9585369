<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ReplaySummary</name>
    <message>
        <source>Values not saved at your last session are being written again. Open each sample to check its values:</source>
        <translation>上次登录时未保存的值正在重新写入。请逐个打开样品核对其中的值：</translation>
    </message>
    <message>
        <source>Double-click or Enter opens the sample</source>
        <translation>双击或按回车打开该样品</translation>
    </message>
    <message>
        <source>Open sample</source>
        <translation>打开样品</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>{0} written again</source>
        <translation>重新写入 {0} 个</translation>
    </message>
    <message>
        <source>{0} refused</source>
        <translation>被拒绝 {0} 个</translation>
    </message>
    <message>
        <source>{0} replaced by a value typed since</source>
        <translation>{0} 个已被之后录入的值取代</translation>
    </message>
    <message>
        <source>{0} still waiting</source>
        <translation>仍在等待 {0} 个</translation>
    </message>
    <message>
        <source>refused: {0} = {1} ({2})</source>
        <translation>被拒绝：{0} = {1}（{2}）</translation>
    </message>
    <message>
        <source>{0}: {1} value(s) — {2}</source>
        <translation>{0}：{1} 个值——{2}</translation>
    </message>
    <message>
        <source>(sample number not kept)</source>
        <translation>（未保留样品编号）</translation>
    </message>
</context>
<context>
    <name>ResultEntryScreen</name>
    <message>
        <source>Enter accepts and moves on (a plan's units 1#…n# one after another) · Tab moves to the next cell · Esc abandons · Ctrl+V pastes a block from Excel · Ctrl+R records a retest · accepted: numbers, ND, 未检出, &lt;0.01, &lt;LOD, &lt;LOQ, 阴性 …</source>
        <translation>回车确认并前进（采样方案的样品单元 1#…n# 依次录入）· Tab 移到下一格 · Esc 放弃 · Ctrl+V 粘贴 Excel 区域 · Ctrl+R 记录复检 · 可录入：数字、ND、未检出、&lt;0.01、&lt;LOD、&lt;LOQ、阴性 …</translation>
    </message>
</context>
<context>
    <name>ResultGridModel</name>
    <message>
        <source>Not saved yet: waiting for the database server, retrying</source>
        <translation>尚未保存：正在等待数据库服务器，自动重试中</translation>
    </message>
    <message>
        <source>The database server is away: your value is kept here (not saved yet) and saved as soon as the server is back.</source>
        <translation>数据库服务器无法连接：您录入的值保留在此处（尚未保存），服务器恢复后立即保存。</translation>
    </message>
    <message>
        <source>The server is back. {0}</source>
        <translation>服务器已恢复。{0}</translation>
    </message>
    <message>
        <source>{0} was not saved: {1}</source>
        <translation>{0} 未保存：{1}</translation>
    </message>
    <message>
        <source>The database server is still away: {0} value(s) kept here, not saved yet; trying again in {1} s (attempt {2}).</source>
        <translation>数据库服务器仍无法连接：{0} 个值保留在此处，尚未保存；{1} 秒后重试（第 {2} 次）。</translation>
    </message>
    <message>
        <source>Kept here, not saved yet: the database server is away; it is saved as soon as the server is back.</source>
        <translation>已保留在此处，尚未保存：数据库服务器无法连接；服务器恢复后立即保存。</translation>
    </message>
    <message>
        <source>The database is busy with another workstation's change to the same records: your value is kept here (not saved yet) and saved as soon as they are free.</source>
        <translation>数据库正忙于其他工作站对同一记录的修改：您录入的值保留在此处（尚未保存），记录空闲后立即保存。</translation>
    </message>
    <message>
        <source>The database is free again. {0}</source>
        <translation>数据库已空闲。{0}</translation>
    </message>
    <message>
        <source>The database is still busy with another workstation's change: {0} value(s) kept here, not saved yet; trying again in {1} s (attempt {2}).</source>
        <translation>数据库仍忙于其他工作站的修改：{0} 个值保留在此处，尚未保存；{1} 秒后重试（第 {2} 次）。</translation>
    </message>
    <message>
        <source>Kept here, not saved yet: the database is busy with another workstation's change; it is saved as soon as it is free.</source>
        <translation>已保留在此处，尚未保存：数据库正忙于其他工作站的修改，空闲后立即保存。</translation>
    </message>
    <message>
        <source>{0} of {1} units still to enter — kept as a draft; no result until all are in</source>
        <translation>{1} 个样品单元中还有 {0} 个未录入——已存为草稿，全部录入后才生成结果</translation>
    </message>
    <message>
        <source>{0}#: not saved yet (the database could not take it)</source>
        <translation>{0}#：尚未保存（数据库暂时无法写入）</translation>
    </message>
    <message>
        <source>{0}#: typed by {1}</source>
        <translation>{0}#：由 {1} 录入</translation>
    </message>
    <message>
        <source>{0}: units kept here only, not saved yet — the database could not take them ({1}); they are saved with the next unit you type.</source>
        <translation>{0}：样品单元仅保留在此处，尚未保存——数据库暂时无法写入（{1}）；录入下一个单元时一并保存。</translation>
    </message>
    <message>
        <source>{0}: {1} of {2} units still to enter — kept as a draft; the result is saved when all are in.</source>
        <translation>{0}：{2} 个样品单元中还有 {1} 个未录入——已存为草稿，全部录入后保存结果。</translation>
    </message>
    <message>
        <source>It could not be kept on this computer as well ({0}): closing LabDesk before it is saved loses it.</source>
        <translation>也无法保留在本机（{0}）：保存之前关闭 LabDesk 会丢失该值。</translation>
    </message>
    <message>
        <source>Not saved at your last session, kept on this computer: {0}. They are being saved now.</source>
        <translation>上次登录时未保存、已保留在本机的值：{0}。现在正在保存。</translation>
    </message>
    <message>
        <source>{0}: units {1} kept in the draft.</source>
        <translation>{0}：样品单元 {1} 已存入草稿。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Values not saved</source>
        <translation>有未保存的值</translation>
    </message>
    <message>
        <source>These values are typed but not saved yet: {0}. They are kept on this computer and saved when you next sign in here. Close anyway?</source>
        <translation>以下值已录入但尚未保存：{0}。它们已保留在本机，下次在此登录时保存。仍要关闭吗？</translation>
    </message>
</context>
<context>
    <name>ServerNotice</name>
    <message>
        <source>The database is busy with another workstation's change: nothing was changed and what you typed is kept — try again.</source>
        <translation>数据库正忙于其他工作站的修改：未作任何更改，您录入的内容仍保留——请重试。</translation>
    </message>
    <message>
        <source>The database server cannot be reached: nothing was changed and what you typed is kept; your next action tries again.</source>
        <translation>无法连接数据库服务器：未作任何更改，您录入的内容仍保留；下一次操作时将自动重试。</translation>
    </message>
</context>
</TS>
