"""F1: a short Chinese guide — how to fill each 附件, what each 审核 code means, how to print, the keys."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from app.domain.rules import CODES

ERROR_CODES = frozenset(
    {"invalid_number", "missing_required", "stated_mismatch", "sum_mismatch", "part_exceeds_total",
     "weight_mismatch", "score_exceeds_weight", "missing_deviation_reason", "invalid_rule"}
)  # fmt: skip

GUIDE = """
<h2>填报说明</h2>
<p>每一处修改都会立即自动保存。浅蓝灰色的单元格由程序自动计算（控制率、合计、执行率、得分、总分），不能填写；
红色单元格有错误，黄色单元格有提示，橙色斜纹表示修改还没有存入数据库（程序会自动重试）。</p>
<h3>附件1 基础数据表</h3>
<p>填写编制数、实际在职人数，“三公”经费、项目支出、公用经费等各行的上年决算数、本年预算数和决算数。
“添加项目支出行”“添加专项明细”“添加楼堂馆所”增加行，“删除所选行”删除当前行（会先确认）。</p>
<h3>附件2 部门整体支出绩效自评表</h3>
<p>填写年初预算数、全年预算数、全年执行数和分值，执行率和得分按所选的计分规则自动计算。
绩效指标按一级/二级/三级填写；合并的一级、二级指标名称要按F2或双击修改（会改动整组）。
“添加三级指标”可从指标库（以前用过的指标、标准指标）中选择。</p>
<h3>附件3 项目支出绩效自评表</h3>
<p>左侧是项目列表，每个项目一张表。“添加项目”“删除项目”增删项目（删除前会确认）。</p>
<h3>附件4 自评报告</h3>
<p>按章节撰写；右侧是表格中的数字，可直接插入。报告中的金额与附件2不一致时会提示，并可一键更新。</p>
<h3>审核</h3>
<p><b>错误</b>必须改正，否则不能标记“已审核”，也不能打印正式材料（可打印带“草稿”字样的草稿）。
<b>提示</b>请核实；如情况属实，选中提示后点“填写合理性说明…”（或在审核结果中右键）写一句说明，
说明会保存、随数据包一起导出，并打印在“审核结果”页上，该提示即算作已核实。</p>
<table border="1" cellspacing="0" cellpadding="3">
<tr><th>代码</th><th>类型</th><th>含义</th></tr>
{codes}
</table>
<h3>状态</h3>
<p>草稿 → 已审核（没有错误时，在“审核”菜单或工具栏的“状态”中标记）→ 已打印（正式打印后自动标记）。
修改已审核或已打印的材料前会先询问，修改后退回草稿。</p>
<h3>打印</h3>
<p>“文件→打印…”（Ctrl+P）先在窗口内预览将要打印的每一页（与导出的PDF完全相同），再选择打印机。
没有错误时打印正式材料；有错误时只能打印草稿。也可导出PDF、Excel、Word或数据包。</p>
<h3>数据</h3>
<p>“文件→导入…”或把文件拖进窗口，可导入同事发来的数据包（.json）或填好的Excel模板（.xlsx），保存前先预览。
删除的材料在“回收站”中可以恢复。“工具”菜单中可备份、从备份恢复、打开数据文件夹。</p>
<h3>快捷键</h3>
<table border="1" cellspacing="0" cellpadding="3">
<tr><td>Tab / Shift+Tab</td><td>到下一个/上一个可填写的单元格（在本表内循环）</td></tr>
<tr><td>Enter</td><td>确认并到下方可填写的单元格</td></tr>
<tr><td>F2 或双击</td><td>修改单元格（合并的一级/二级指标名称只能这样修改）</td></tr>
<tr><td>Delete</td><td>清空所选单元格</td></tr>
<tr><td>Ctrl+C / Ctrl+V</td><td>复制、粘贴（可从Excel/WPS粘贴整块）</td></tr>
<tr><td>Ctrl+Z / Ctrl+Y</td><td>撤销、重做（每份材料各自记录，切换材料后仍可撤销）</td></tr>
<tr><td>Ctrl+Tab / Ctrl+PgDown</td><td>下一个附件</td></tr>
<tr><td>Ctrl+S</td><td>确认已保存（修改本来就自动保存）</td></tr>
<tr><td>Ctrl+P</td><td>打印</td></tr>
<tr><td>Ctrl+O / Ctrl+N</td><td>导入 / 新建</td></tr>
<tr><td>Ctrl+L</td><td>单位总览</td></tr>
<tr><td>F1</td><td>本说明</td></tr>
</table>
"""


def guide_html() -> str:
    rows = "".join(
        f"<tr><td>{html.escape(code)}</td><td>{'错误' if code in ERROR_CODES else '提示'}</td>"
        f"<td>{html.escape(text)}</td></tr>"
        for code, text in CODES.items()
    )
    return GUIDE.replace("{codes}", rows)


class HelpDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("填报说明")
        self.resize(760, 600)
        self.text = QTextBrowser()
        self.text.setHtml(guide_html())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
