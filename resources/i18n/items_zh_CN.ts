<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>SampleItemsDialog</name>
    <message>
        <source>Test items of sample {0}</source>
        <translation>样品 {0} 的检验项目</translation>
    </message>
    <message>
        <source>Items can be added or removed until the sample is submitted for review. A reason is required and kept in the audit trail. An item with a result cannot be removed; a removed item stays on the record, out of the report.</source>
        <translation>样品提交审核前可增加或删除检验项目。须填写原因，原因记入审计记录。已有结果的项目不能删除；删除的项目仍保留在记录中，但不进入报告。</translation>
    </message>
    <message>
        <source>No.</source>
        <translation>序号</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>检验项目</translation>
    </message>
    <message>
        <source>Limit</source>
        <translation>限量</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>单位</translation>
    </message>
    <message>
        <source>Standard</source>
        <translation>标准</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Reason for the change (required)</source>
        <translation>变更原因（必填）</translation>
    </message>
    <message>
        <source>&amp;Reason:</source>
        <translation>原因(&amp;R)：</translation>
    </message>
    <message>
        <source>Re&amp;move the selected item</source>
        <translation>删除所选项目(&amp;M)</translation>
    </message>
    <message>
        <source>&amp;Add this item</source>
        <translation>增加此项目(&amp;A)</translation>
    </message>
    <message>
        <source>Add:</source>
        <translation>增加：</translation>
    </message>
    <message>
        <source>Removed: {0}</source>
        <translation>已删除：{0}</translation>
    </message>
    <message>
        <source>Has a result</source>
        <translation>已有结果</translation>
    </message>
    <message>
        <source>To be tested</source>
        <translation>待检</translation>
    </message>
    <message>
        <source>(every applicable item is on the sample)</source>
        <translation>（适用的项目均已在样品上）</translation>
    </message>
    <message>
        <source>(items are added from the food library: food samples only)</source>
        <translation>（仅食品样品可从食品标准库增加项目）</translation>
    </message>
    <message>
        <source>Select an item that is still to be tested.</source>
        <translation>请选择一个待检的项目。</translation>
    </message>
    <message>
        <source>Not removed: {0}</source>
        <translation>未删除：{0}</translation>
    </message>
    <message>
        <source>Removed {0}.</source>
        <translation>已删除 {0}。</translation>
    </message>
    <message>
        <source>Not added: {0}</source>
        <translation>未增加：{0}</translation>
    </message>
    <message>
        <source>Added {0}.</source>
        <translation>已增加 {0}。</translation>
    </message>
</context>
<context>
    <name>SamplesScreen</name>
    <message>
        <source>Test &amp;items…</source>
        <translation>检验项目(&amp;I)…</translation>
    </message>
    <message>
        <source>Add or remove the selected sample's test items, with a reason</source>
        <translation>增加或删除所选样品的检验项目（须填写原因）</translation>
    </message>
</context>
<context>
    <name>FoodLibraryPanel</name>
    <message>
        <source>Rule</source>
        <translation>判定规则</translation>
    </message>
</context>
<context>
    <name>ImportPreviewDialog</name>
    <message>
        <source>Rule</source>
        <translation>判定规则</translation>
    </message>
</context>
<context>
    <name>StandardsScreen</name>
    <message>
        <source>Rule</source>
        <translation>判定规则</translation>
    </message>
</context>
<context>
    <name>ItemRule</name>
    <message>
        <source>expressed as: × {0}</source>
        <translation>以…计：× {0}</translation>
    </message>
    <message>
        <source>GB 4789.2 rounding</source>
        <translation>按 GB 4789.2 修约</translation>
    </message>
    <message>
        <source>screening</source>
        <translation>筛查</translation>
    </message>
</context>
<context>
    <name>LimitImportDialog</name>
    <message>
        <source>Rule</source>
        <translation>判定规则</translation>
    </message>
</context>
<context>
    <name>History</name>
    <message>
        <source>Test item added</source>
        <translation>增加检验项目</translation>
    </message>
    <message>
        <source>Test item removed</source>
        <translation>删除检验项目</translation>
    </message>
    <message>
        <source>Test items changed</source>
        <translation>检验项目变更</translation>
    </message>
    <message>
        <source>removed at</source>
        <translation>删除时间</translation>
    </message>
    <message>
        <source>removed by</source>
        <translation>删除人</translation>
    </message>
    <message>
        <source>reason for removal</source>
        <translation>删除原因</translation>
    </message>
</context>
</TS>
