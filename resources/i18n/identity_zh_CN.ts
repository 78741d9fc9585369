<?xml version='1.0' encoding='utf-8'?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ChangePasswordDialog</name>
    <message>
        <source>Change my password</source>
        <translation>修改我的密码</translation>
    </message>
    <message>
        <source>Signed in as {0}.</source>
        <translation>当前登录：{0}。</translation>
    </message>
    <message>
        <source>&amp;Current password:</source>
        <translation>当前密码(&amp;C)：</translation>
    </message>
    <message>
        <source>&amp;New password:</source>
        <translation>新密码(&amp;N)：</translation>
    </message>
    <message>
        <source>New password &amp;again:</source>
        <translation>再次输入新密码(&amp;A)：</translation>
    </message>
    <message>
        <source>Change password</source>
        <translation>修改密码</translation>
    </message>
    <message>
        <source>The current password is wrong; {0} attempt(s) left before the account is locked.</source>
        <translation>当前密码错误；再错 {0} 次账户将被锁定。</translation>
    </message>
    <message>
        <source>Enter your current password.</source>
        <translation>请输入当前密码。</translation>
    </message>
    <message>
        <source>The new password needs at least {0} characters.</source>
        <translation>新密码至少需要 {0} 个字符。</translation>
    </message>
    <message>
        <source>The new password must differ from the current one.</source>
        <translation>新密码不能与当前密码相同。</translation>
    </message>
    <message>
        <source>The two new passwords differ: type the same one twice.</source>
        <translation>两次输入的新密码不一致，请重新输入。</translation>
    </message>
    <message>
        <source>Too many wrong passwords: the account is locked until {0}. Ask an administrator to unlock it.</source>
        <translation>密码错误次数过多：账户已锁定至 {0}。请联系管理员解锁。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Change my &amp;password…</source>
        <translation>修改我的密码(&amp;P)…</translation>
    </message>
    <message>
        <source>Your password was changed.</source>
        <translation>密码已修改。</translation>
    </message>
</context>
<context>
    <name>Uscc</name>
    <message>
        <source>empty: no code given</source>
        <translation>代码为空</translation>
    </message>
    <message>
        <source>length: expected 18 characters, got {length}</source>
        <translation>长度应为18位，实为{length}位</translation>
    </message>
    <message>
        <source>character {char!r} at position {position} is not allowed; use 0-9 and A-Z without I O S V Z</source>
        <translation>第{position}位字符“{char}”不合法；只能使用0-9和除I、O、S、V、Z以外的大写字母</translation>
    </message>
    <message>
        <source>registration authority code {char!r} (position 1) is not assigned</source>
        <translation>第1位登记管理部门代码“{char}”不存在</translation>
    </message>
    <message>
        <source>category code {char!r} (position 2) is not assigned for registration authority {authority} {authority_name}; allowed: {allowed}</source>
        <translation>第2位机构类别代码“{char}”与登记管理部门{authority}（{authority_name}）不符；可用：{allowed}</translation>
    </message>
    <message>
        <source>administrative division (positions 3-8) must be six digits; position {position} is {char!r}</source>
        <translation>第3-8位行政区划码应为6位数字，第{position}位是“{char}”</translation>
    </message>
    <message>
        <source>organisation code check digit (position 17): expected {expected}, got {got}</source>
        <translation>第17位组织机构代码校验码错误：应为{expected}，实为{got}</translation>
    </message>
    <message>
        <source>check character (position 18): expected {expected}, got {got}</source>
        <translation>第18位校验码错误：应为{expected}，实为{got}</translation>
    </message>
    <message>
        <source>Unified social credit code</source>
        <translation>统一社会信用代码</translation>
    </message>
    <message>
        <source>{0}: {1}</source>
        <translation>{0}：{1}</translation>
    </message>
</context>
</TS>