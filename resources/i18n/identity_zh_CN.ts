<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
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
