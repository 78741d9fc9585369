<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>FoodClassPicker</name>
    <message>
        <source>name or pinyin initials, e.g. dm</source>
        <translation>名称或拼音首字母，如 dm</translation>
    </message>
    <message>
        <source>[classification: sample data]</source>
        <translation>［分类为样例数据］</translation>
    </message>
    <message>
        <source>No food class matches.</source>
        <translation>没有匹配的食品分类。</translation>
    </message>
</context>
<context>
    <name>FoodLibraryPanel</name>
    <message>
        <source>Item template (what registration proposes)</source>
        <translation>项目模板（登记时建议的项目）</translation>
    </message>
    <message>
        <source>Find a class by name or pinyin initials…</source>
        <translation>按名称或拼音首字母查找分类…</translation>
    </message>
    <message>
        <source>Import limit table…</source>
        <translation>导入限量表…</translation>
    </message>
    <message>
        <source>In force on:</source>
        <translation>实施日期：</translation>
    </message>
    <message>
        <source>Food class</source>
        <translation>食品分类</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>代码</translation>
    </message>
    <message>
        <source>Food classification</source>
        <translation>食品分类</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>项目</translation>
    </message>
    <message>
        <source>Limit</source>
        <translation>限量</translation>
    </message>
    <message>
        <source>Mark</source>
        <translation>标记</translation>
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
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Sample data</source>
        <translation>样例数据</translation>
    </message>
    <message>
        <source>Limits of the class (inherited ones say from where)</source>
        <translation>该分类的限量（继承的限量注明来源）</translation>
    </message>
    <message>
        <source>Versions side by side</source>
        <translation>各版本对照</translation>
    </message>
    <message>
        <source>Choose a class.</source>
        <translation>请选择分类。</translation>
    </message>
    <message>
        <source>stands for {0}</source>
        <translation>对应 {0}</translation>
    </message>
    <message>
        <source>Source: {0}</source>
        <translation>来源：{0}</translation>
    </message>
    <message>
        <source>SAMPLE DATA (verify)</source>
        <translation>样例数据（待核实）</translation>
    </message>
    <message>
        <source>Limit table</source>
        <translation>限量表</translation>
    </message>
    <message>
        <source>Limit tables (*.csv *.xlsx)</source>
        <translation>限量表 (*.csv *.xlsx)</translation>
    </message>
    <message>
        <source>Sign in first.</source>
        <translation>请先登录。</translation>
    </message>
    <message>
        <source>Importing the limit table…</source>
        <translation>正在导入限量表…</translation>
    </message>
    <message>
        <source>The import failed: {0}</source>
        <translation>导入失败：{0}</translation>
    </message>
    <message>
        <source>No change: the library already holds {0}.</source>
        <translation>无变化：标准库中已有 {0}。</translation>
    </message>
    <message>
        <source>Imported {0} ({1} limit rows).</source>
        <translation>已导入 {0}（{1} 条限量）。</translation>
    </message>
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
    <name>FoodTemplatePanel</name>
    <message>
        <source>In template</source>
        <translation>列入模板</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>项目</translation>
    </message>
    <message>
        <source>Standard</source>
        <translation>标准</translation>
    </message>
    <message>
        <source>Item code</source>
        <translation>项目代码</translation>
    </message>
    <message>
        <source>Test method (double-click to edit)</source>
        <translation>检验方法（双击修改）</translation>
    </message>
    <message>
        <source>Limit and source</source>
        <translation>限量及来源</translation>
    </message>
    <message>
        <source>Save as this class's template</source>
        <translation>保存为本分类的模板</translation>
    </message>
    <message>
        <source>Use the inherited template</source>
        <translation>改用上级分类的模板</translation>
    </message>
    <message>
        <source>Admins and managers edit item templates.</source>
        <translation>项目模板由管理员和批准人维护。</translation>
    </message>
    <message>
        <source>product standard: proposed when the label's 执行标准 names {0} (graded limits: for the label's 质量等级)</source>
        <translation>产品标准：标签执行标准为 {0} 时建议（分等级的限量按标签质量等级）</translation>
    </message>
    <message>
        <source>no limit of this item applies to the class on {0}</source>
        <translation>{0} 本分类没有该项目的现行限量</translation>
    </message>
    <message>
        <source>Choose a class.</source>
        <translation>请选择分类。</translation>
    </message>
    <message>
        <source>No template applies: registering a sample of this class proposes every applicable item. Tick the items the plan tests and save.</source>
        <translation>没有适用的模板：登记本分类样品时建议全部适用项目。勾选计划要检的项目后保存。</translation>
    </message>
    <message>
        <source>The class's own template (ticked below).</source>
        <translation>本分类自己的模板（下表勾选项）。</translation>
    </message>
    <message>
        <source>Inherited from {0}: saving here gives this class a template of its own.</source>
        <translation>沿用 {0} 的模板：在此保存即为本分类建立自己的模板。</translation>
    </message>
    <message>
        <source>Tick at least one item, or use the inherited template.</source>
        <translation>请至少勾选一个项目，或改用上级分类的模板。</translation>
    </message>
    <message>
        <source>Saved the template of {0}: {1} items.</source>
        <translation>已保存 {0} 的模板：{1} 个项目。</translation>
    </message>
    <message>
        <source>{0} has no template of its own now: the inherited one applies.</source>
        <translation>{0} 已无自己的模板：改用上级分类的模板。</translation>
    </message>
    <message>
        <source>Sign in first.</source>
        <translation>请先登录。</translation>
    </message>
    <message>
        <source>Saving failed: {0}</source>
        <translation>保存失败：{0}</translation>
    </message>
</context>
<context>
    <name>LimitImportDialog</name>
    <message>
        <source>Import limit table — {0}</source>
        <translation>导入限量表 — {0}</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>{0} problems found; nothing will be imported. Fix the file and try again.</source>
        <translation>发现 {0} 个问题，不会导入任何内容。请修正文件后重试。</translation>
    </message>
    <message>
        <source>Row</source>
        <translation>行</translation>
    </message>
    <message>
        <source>Column</source>
        <translation>列</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>规则</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>file</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>{0} rows of {1}, every row valid. Samples already registered keep the limits frozen on them.</source>
        <translation>{1} 共 {0} 行，全部有效。已登记的样品保留其冻结的限量。</translation>
    </message>
    <message>
        <source>{0} rows are marked SAMPLE DATA: not authoritative.</source>
        <translation>{0} 行标为样例数据：不具权威性。</translation>
    </message>
    <message>
        <source>The first {0} rows are shown.</source>
        <translation>仅显示前 {0} 行。</translation>
    </message>
    <message>
        <source>Standard</source>
        <translation>标准</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>项目</translation>
    </message>
    <message>
        <source>Food class</source>
        <translation>食品分类</translation>
    </message>
    <message>
        <source>Excluded</source>
        <translation>除外</translation>
    </message>
    <message>
        <source>Limit</source>
        <translation>限量</translation>
    </message>
    <message>
        <source>Mark</source>
        <translation>标记</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>单位</translation>
    </message>
    <message>
        <source>Grade</source>
        <translation>等级</translation>
    </message>
    <message>
        <source>Sample data</source>
        <translation>样例数据</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
</context>
<context>
    <name>SamplingForm</name>
    <message>
        <source>Food class</source>
        <translation>食品分类</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Choose a product category or a food class.</source>
        <translation>请选择产品类别或食品分类。</translation>
    </message>
    <message>
        <source>production date</source>
        <translation>生产日期</translation>
    </message>
    <message>
        <source>sampling date</source>
        <translation>抽样日期</translation>
    </message>
    <message>
        <source>{0} items proposed, {1} more applicable; versions in force on {2} ({3}): {4}</source>
        <translation>建议 {0} 个项目，另有 {1} 个适用；{2}（{3}）实施的版本：{4}</translation>
    </message>
    <message>
        <source>Graded limits of {0} need the quality grade.</source>
        <translation>{0} 的分级限量需填写质量等级。</translation>
    </message>
    <message>
        <source>Product standards not on the label: {0}.</source>
        <translation>标签未标注的产品标准：{0}。</translation>
    </message>
    <message>
        <source>SAMPLE DATA limits are marked: not authoritative.</source>
        <translation>已标注样例数据限量：不具权威性。</translation>
    </message>
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
<context>
    <name>StandardsScreen</name>
    <message>
        <source>Foods: classification and limits</source>
        <translation>食品：分类与限量</translation>
    </message>
    <message>
        <source>Product categories (flat library)</source>
        <translation>产品类别（通用标准库）</translation>
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
</TS>
