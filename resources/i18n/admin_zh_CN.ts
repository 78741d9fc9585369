<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>Screens</name>
    <message>
        <source>Users</source>
        <translation>用户管理</translation>
    </message>
</context>
<context>
    <name>UsersScreen</name>
    <message>
        <source>Username</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Display name</source>
        <translation>显示名称</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>启用</translation>
    </message>
    <message>
        <source>Locked until</source>
        <translation>锁定至</translation>
    </message>
    <message>
        <source>Failed attempts</source>
        <translation>失败次数</translation>
    </message>
    <message>
        <source>Add user…</source>
        <translation>添加用户…</translation>
    </message>
    <message>
        <source>Change role…</source>
        <translation>更改角色…</translation>
    </message>
    <message>
        <source>Deactivate…</source>
        <translation>停用…</translation>
    </message>
    <message>
        <source>Reactivate…</source>
        <translation>重新启用…</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
    <message>
        <source>Reset password…</source>
        <translation>重置密码…</translation>
    </message>
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
        <translation>系统管理员</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>No</source>
        <translation>否</translation>
    </message>
    <message>
        <source>Select a user, then an action. Every change is audited.</source>
        <translation>请先选择用户，再选择操作。每项更改都记入审计记录。</translation>
    </message>
    <message>
        <source>Read-only: only an administrator can add or change users. Any change you try is refused.</source>
        <translation>只读：只有系统管理员可以添加或更改用户。您尝试的任何更改都会被拒绝。</translation>
    </message>
    <message>
        <source>Select a user first.</source>
        <translation>请先选择用户。</translation>
    </message>
    <message>
        <source>Sign in first.</source>
        <translation>请先登录。</translation>
    </message>
    <message>
        <source>the two passwords differ; type the same password twice</source>
        <translation>两次输入的密码不一致；请输入相同的密码两次</translation>
    </message>
    <message>
        <source>Add user</source>
        <translation>添加用户</translation>
    </message>
    <message>
        <source>Username:</source>
        <translation>用户名：</translation>
    </message>
    <message>
        <source>Display name:</source>
        <translation>显示名称：</translation>
    </message>
    <message>
        <source>Role:</source>
        <translation>角色：</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>密码：</translation>
    </message>
    <message>
        <source>Password again:</source>
        <translation>再次输入密码：</translation>
    </message>
    <message>
        <source>User added.</source>
        <translation>用户已添加。</translation>
    </message>
    <message>
        <source>Change the role of {0}</source>
        <translation>更改 {0} 的角色</translation>
    </message>
    <message>
        <source>New role:</source>
        <translation>新角色：</translation>
    </message>
    <message>
        <source>Reason (required):</source>
        <translation>原因（必填）：</translation>
    </message>
    <message>
        <source>Role changed.</source>
        <translation>角色已更改。</translation>
    </message>
    <message>
        <source>Reactivate {0}</source>
        <translation>重新启用 {0}</translation>
    </message>
    <message>
        <source>User reactivated.</source>
        <translation>用户已重新启用。</translation>
    </message>
    <message>
        <source>Deactivate {0}</source>
        <translation>停用 {0}</translation>
    </message>
    <message>
        <source>User deactivated: they can no longer sign in.</source>
        <translation>用户已停用：该用户不能再登录。</translation>
    </message>
    <message>
        <source>New password for {0}</source>
        <translation>{0} 的新密码</translation>
    </message>
    <message>
        <source>New password:</source>
        <translation>新密码：</translation>
    </message>
    <message>
        <source>New password again:</source>
        <translation>再次输入新密码：</translation>
    </message>
    <message>
        <source>Password changed.</source>
        <translation>密码已更改。</translation>
    </message>
    <message>
        <source>Refused: {0}</source>
        <translation>已拒绝：{0}</translation>
    </message>
    <message>
        <source>{0} unlocked.</source>
        <translation>{0} 已解锁。</translation>
    </message>
</context>
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
    <message>
        <source>Backups: by the database server (pg_dump)</source>
        <translation>备份：由数据库服务器自行负责</translation>
    </message>
</context>
</TS>
