<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ResultGridModel</name>
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
</context>
</TS>
