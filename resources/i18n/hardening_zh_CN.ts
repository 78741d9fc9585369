<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>BackupKeeper</name>
    <message>
        <source>Backing up the database before closing…</source>
        <translation>正在备份数据库，完成后关闭…</translation>
    </message>
    <message>
        <source>No backup yet</source>
        <translation>尚无备份</translation>
    </message>
    <message>
        <source>Last backup: {0} in {1}</source>
        <translation>上次备份：{0}，保存在 {1}</translation>
    </message>
    <message>
        <source>The last backup failed: {0}</source>
        <translation>上次备份失败：{0}</translation>
    </message>
    <message>
        <source>No good backup for more than two days</source>
        <translation>已超过两天没有成功的备份</translation>
    </message>
</context>
<context>
    <name>StandardsScreen</name>
    <message>
        <source>No change: this is the library in use already.</source>
        <translation>无变化：这已是正在使用的标准库，未写入。</translation>
    </message>
</context>
</TS>
