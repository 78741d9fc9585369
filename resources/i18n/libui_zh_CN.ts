<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>FoodLibraryPanel</name>
    <message>
        <source>Edit the item's rule…</source>
        <translation>编辑项目判定规则…</translation>
    </message>
    <message>
        <source>Admins and technical managers edit the items' rules.</source>
        <translation>项目判定规则由管理员和技术负责人编辑。</translation>
    </message>
    <message>
        <source>The rule is saved; samples already registered keep theirs.</source>
        <translation>规则已保存；已登记的样品保留原有规则。</translation>
    </message>
    <message>
        <source>{0} (rule of {1})</source>
        <translation>{0}（{1} 的规则）</translation>
    </message>
    <message>
        <source>plain</source>
        <translation>一般规则</translation>
    </message>
</context>
<context>
    <name>LibraryRuleDialog</name>
    <message>
        <source>Judgement rule of {0}</source>
        <translation>{0} 的判定规则</translation>
    </message>
    <message>
        <source>{0} ({1}) in {2}, limit {3} {4}. Samples already registered keep the rule frozen onto them; samples registered from now on get the new one.</source>
        <translation>{2} 中的 {0}（{1}），限量 {3} {4}。已登记的样品保留登记时固定的规则；此后登记的样品采用新规则。</translation>
    </message>
    <message>
        <source>The whole version {0}</source>
        <translation>整个标准版本 {0}</translation>
    </message>
    <message>
        <source>{0} ({1}) and the classes under it</source>
        <translation>{0}（{1}）及其下级类别</translation>
    </message>
    <message>
        <source>Applies to</source>
        <translation>适用范围</translation>
    </message>
    <message>
        <source>e.g. 0.847; empty: none</source>
        <translation>如 0.847；留空表示无</translation>
    </message>
    <message>
        <source>Expressed as (以…计) factor</source>
        <translation>以…计换算系数</translation>
    </message>
    <message>
        <source>GB/T 8170</source>
        <translation>GB/T 8170</translation>
    </message>
    <message>
        <source>GB 4789.2 (colony counts)</source>
        <translation>GB 4789.2（菌落计数）</translation>
    </message>
    <message>
        <source>Rounding rule (修约规则)</source>
        <translation>修约规则</translation>
    </message>
    <message>
        <source>Screening measurement (筛查)</source>
        <translation>筛查测定</translation>
    </message>
    <message>
        <source>required, kept in the audit trail</source>
        <translation>必填，记入审计记录</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Withdraw the class's rule</source>
        <translation>撤回该类别的规则</translation>
    </message>
    <message>
        <source>The class has its own rule.</source>
        <translation>该类别有自己的规则。</translation>
    </message>
    <message>
        <source>The class follows the rule shown; saving gives it its own.</source>
        <translation>该类别目前沿用所示规则；保存后即为该类别自己的规则。</translation>
    </message>
    <message>
        <source>The version's rule, for every class without its own.</source>
        <translation>标准版本的规则，适用于没有自己规则的所有类别。</translation>
    </message>
    <message>
        <source>The factor must be a number above 0.</source>
        <translation>换算系数须为大于 0 的数。</translation>
    </message>
    <message>
        <source>Factor</source>
        <translation>换算系数</translation>
    </message>
    <message>
        <source>Rounding rule</source>
        <translation>修约规则</translation>
    </message>
    <message>
        <source>Screening</source>
        <translation>筛查</translation>
    </message>
    <message>
        <source>Sign in first.</source>
        <translation>请先登录。</translation>
    </message>
    <message>
        <source>{0}: {1}</source>
        <translation>{0}：{1}</translation>
    </message>
</context>
<context>
    <name>SamplingForm</name>
    <message>
        <source>Reason for adding or removing it</source>
        <translation>增减原因</translation>
    </message>
    <message>
        <source>Reason for the changed items without their own (required then)</source>
        <translation>未单独填写原因的增减项目的共同原因（增减项目时必填）</translation>
    </message>
    <message>
        <source>Why this item is added or removed (F2 to type)</source>
        <translation>增加或删除此项目的原因（按 F2 填写）</translation>
    </message>
</context>
</TS>
