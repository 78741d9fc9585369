<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>BackupKeeper</name>
    <message>
        <source>Backups: by the database server (pg_dump)</source>
        <translation>备份：由数据库服务器自行负责</translation>
    </message>
</context>
</TS>
