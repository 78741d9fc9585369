"""The syntax of method formulas: tokens, a tree of five node kinds, and the parser.

Grammar (precedence low → high; ``^`` and ``**`` are the same right-associative power)::

    program := step ((';' | newline) step)*      the last step is the result
    step    := [name '='] expr                   a named step is an intermediate value
    expr    := term (('+' | '-') term)*
    term    := unary (('*' | '/') unary)*
    unary   := ('+' | '-') unary | power
    power   := atom [('^' | '**') unary]
    atom    := number | name | name '(' expr (',' expr)* ')' | '(' expr ')'

Functions: `abs`, `min`, `max`, `sqrt`, `ln`, `log10`, `exp`. Numbers are plain decimals,
optionally with an exponent (``1e-3``). ``×`` ``÷`` ``−`` and full-width brackets and
digits are read as their ASCII forms (one character each, so positions stay the same).
Names are letters (ρ too), digits and ``_``, not starting with ``_``.

Everything else is refused with a `FormulaError` naming the 0-based position: attribute
access (``a.b``), quotes, comparisons, ``%``, implicit multiplication (``2x``), unknown
functions (``__import__(…)``), names beginning with ``_``, and anything deeper than 40
levels, longer than 2,000 characters, or with a number of more than 30 digits or an
exponent beyond ±30. Evaluation is `labdesk.core.formula`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from labdesk.core.errors import ValidationError
from labdesk.core.rounding import normalize_number_text

__all__ = [
    "FUNCTIONS",
    "Binary",
    "Call",
    "FormulaError",
    "Name",
    "Node",
    "Number",
    "Step",
    "Unary",
    "check_size",
    "first_use",
    "parse_steps",
    "render",
]

MAX_LENGTH = 2000
MAX_DEPTH = 40
MAX_DIGITS = 30
MAX_LITERAL_EXPONENT = 30
MAX_POWER = 20

FUNCTIONS: dict[str, tuple[int, int | None]] = {  # name → (min args, max args or None)
    "abs": (1, 1),
    "min": (1, None),
    "max": (1, None),
    "sqrt": (1, 1),
    "ln": (1, 1),
    "log10": (1, 1),
    "exp": (1, 1),
}

# One character in, one character out (positions in the normalised text stay valid).
_SYMBOLS = str.maketrans({"×": "*", "÷": "/", "·": "*", "（": "(", "）": ")", "，": ","})


class FormulaError(ValidationError):
    """A formula or an input that is refused; `.position` is 0-based (None: not in the text)."""

    def __init__(
        self,
        rule: str,
        message_en: str,
        message_zh: str,
        *,
        position: int | None = None,
        name: str | None = None,
        field_name: str = "formula",
    ) -> None:
        self.position = position
        self.name = name
        self.message_en = message_en
        self.message_zh = message_zh
        where_en = f" at position {position}" if position is not None else ""
        where_zh = f"，第 {position + 1} 个字符" if position is not None else ""
        super().__init__(
            field_name,
            rule,
            f"{field_name}: {message_en}{where_en}（{message_zh}{where_zh}）",
            en=f"{field_name}: {message_en}{where_en}",
            zh=f"{message_zh}{where_zh}",
        )


# ----- the tree ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Number:
    value: Decimal
    pos: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Name:
    name: str
    pos: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Unary:
    op: str  # '+' or '-'
    operand: Node
    pos: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Binary:
    op: str  # '+', '-', '*', '/', '^'
    left: Node
    right: Node
    pos: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Call:
    function: str
    args: tuple[Node, ...]
    pos: int = field(default=0, compare=False)


Node = Number | Name | Unary | Binary | Call

_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "^": 4}


def render(node: Node) -> str:
    """Canonical text of a tree, with only the brackets its structure needs."""
    return _render(node, 0)


def _render(node: Node, context: int) -> str:
    if isinstance(node, Number):
        text = format(node.value, "f") if abs(node.value.adjusted()) < 12 else str(node.value)
        return text
    if isinstance(node, Name):
        return node.name
    if isinstance(node, Call):
        return f"{node.function}({', '.join(_render(a, 0) for a in node.args)})"
    if isinstance(node, Unary):
        text = f"{node.op}{_render(node.operand, 3)}"
        return f"({text})" if context > 3 else text
    prec = _PRECEDENCE[node.op]
    if node.op == "^":  # right-associative: a bracket on the left, none needed on the right
        text = f"{_render(node.left, prec + 1)} ^ {_render(node.right, 3)}"
    else:
        text = f"{_render(node.left, prec)} {node.op} {_render(node.right, prec + 1)}"
    return f"({text})" if prec < context else text


# ----- tokens -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # 'number', 'name', 'op', '(', ')', ',', '=', 'sep', 'end'
    text: str
    pos: int


_DIGITS = frozenset("0123456789")


def _is_name_start(ch: str) -> bool:
    return ch.isalpha() or ch == "_"


def _is_name_char(ch: str) -> bool:
    return ch.isalpha() or ch in _DIGITS or ch == "_"


def _tokenize(text: str) -> list[_Token]:
    src = normalize_number_text(text).translate(_SYMBOLS)
    tokens: list[_Token] = []
    i, n = 0, len(src)
    while i < n:
        ch = src[i]
        if ch in " \t\r":
            i += 1
            continue
        if ch in "\n;":
            tokens.append(_Token("sep", ch, i))
            i += 1
            continue
        if ch in _DIGITS or (ch == "." and i + 1 < n and src[i + 1] in _DIGITS):
            start = i
            while i < n and src[i] in _DIGITS:
                i += 1
            if i < n and src[i] == ".":
                i += 1
                while i < n and src[i] in _DIGITS:
                    i += 1
            if i < n and src[i] in "eE":
                j = i + 1
                if j < n and src[j] in "+-":
                    j += 1
                if j < n and src[j] in _DIGITS:
                    i = j
                    while i < n and src[i] in _DIGITS:
                        i += 1
            if i < n and (_is_name_char(src[i]) or src[i] == "."):
                raise FormulaError(
                    "number",
                    f"{src[start : i + 1]!r} is not a number",
                    f"“{src[start : i + 1]}”不是数字",
                    position=start,
                )
            tokens.append(_Token("number", src[start:i], start))
            continue
        if _is_name_start(ch):
            start = i
            while i < n and _is_name_char(src[i]):
                i += 1
            check_name(src[start:i], start)  # before anything after it: `__import__('os')`
            tokens.append(_Token("name", src[start:i], start))
            continue
        if ch == "*" and i + 1 < n and src[i + 1] == "*":
            tokens.append(_Token("op", "^", i))
            i += 2
            continue
        if ch in "+-*/^":
            tokens.append(_Token("op", ch, i))
            i += 1
            continue
        if ch in "(),=":
            if ch == "=" and i + 1 < n and src[i + 1] == "=":
                raise FormulaError(
                    "arithmetic_only",
                    "comparisons ('==') are not arithmetic",
                    "比较运算“==”不是算术运算",
                    position=i,
                )
            tokens.append(_Token(ch, ch, i))
            i += 1
            continue
        if ch == ".":
            raise FormulaError(
                "no_attributes",
                "attribute access ('.') is not allowed",
                "不允许属性访问“.”",
                position=i,
            )
        if ch in "'\"":
            raise FormulaError(
                "no_strings", "quoted text is not allowed", "不允许引号和文字", position=i
            )
        raise FormulaError(
            "arithmetic_only",
            f"{ch!r} is not arithmetic (use + - * / ^ and brackets)",
            f"“{ch}”不是算术运算符（只能用 + - * / ^ 和括号）",
            position=i,
        )
    tokens.append(_Token("end", "", n))
    return tokens


# ----- parsing ----------------------------------------------------------------------------


def _literal(token: _Token) -> Decimal:
    try:
        value = Decimal(token.text)
    except InvalidOperation as exc:  # the tokenizer only lets numbers through; be safe
        raise FormulaError(
            "number",
            f"{token.text!r} is not a number",
            f"“{token.text}”不是数字",
            position=token.pos,
        ) from exc
    check_size(value, token.text, "formula", token.pos)
    return value


def check_size(value: Decimal, text: str, field_name: str, pos: int | None) -> None:
    digits = len(value.as_tuple().digits)
    if digits > MAX_DIGITS:
        raise FormulaError(
            "digits",
            f"{text!r} has {digits} digits; at most {MAX_DIGITS} are allowed",
            f"“{text}”有 {digits} 位数字，最多 {MAX_DIGITS} 位",
            position=pos,
            field_name=field_name,
        )
    if value and abs(value.adjusted()) > MAX_LITERAL_EXPONENT:
        raise FormulaError(
            "exponent",
            f"{text!r} is out of range (exponent beyond ±{MAX_LITERAL_EXPONENT})",
            f"“{text}”超出范围（指数超过 ±{MAX_LITERAL_EXPONENT}）",
            position=pos,
            field_name=field_name,
        )


class _Parser:
    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.i = 0
        self.depth = 0

    @property
    def tok(self) -> _Token:
        return self.tokens[self.i]

    def take(self) -> _Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def expect(self, kind: str, what_en: str, what_zh: str) -> _Token:
        if self.tok.kind != kind:
            self.fail_expected(what_en, what_zh)
        return self.take()

    def fail_expected(self, what_en: str, what_zh: str) -> None:
        tok = self.tok
        found = "the end" if tok.kind in ("end", "sep") else repr(tok.text)
        found_zh = "结尾" if tok.kind in ("end", "sep") else f"“{tok.text}”"
        raise FormulaError(
            "syntax",
            f"expected {what_en}, found {found}",
            f"此处应为{what_zh}，实为{found_zh}",
            position=tok.pos,
        )

    def nest(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise FormulaError(
                "depth",
                f"nested more than {MAX_DEPTH} levels deep",
                f"嵌套超过 {MAX_DEPTH} 层",
                position=self.tok.pos,
            )

    def expr(self) -> Node:
        self.nest()
        node = self.term()
        while self.tok.kind == "op" and self.tok.text in "+-":
            op = self.take()
            node = Binary(op.text, node, self.term(), op.pos)
        self.depth -= 1
        return node

    def term(self) -> Node:
        node = self.unary()
        while self.tok.kind == "op" and self.tok.text in "*/":
            op = self.take()
            node = Binary(op.text, node, self.unary(), op.pos)
        return node

    def unary(self) -> Node:
        if self.tok.kind == "op" and self.tok.text in "+-":
            op = self.take()
            self.nest()
            node = Unary(op.text, self.unary(), op.pos)
            self.depth -= 1
            return node
        return self.power()

    def power(self) -> Node:
        base = self.atom()
        if self.tok.kind == "op" and self.tok.text == "^":
            op = self.take()
            self.nest()
            exponent = self.unary()
            self.depth -= 1
            return Binary("^", base, exponent, op.pos)
        return base

    def atom(self) -> Node:
        tok = self.tok
        if tok.kind == "number":
            self.take()
            return Number(_literal(tok), tok.pos)
        if tok.kind == "name":
            self.take()
            check_name(tok.text, tok.pos)
            if self.tok.kind == "(":
                return self.call(tok)
            return Name(tok.text, tok.pos)
        if tok.kind == "(":
            self.take()
            node = self.expr()
            self.expect(")", "')'", "“)”")
            return node
        self.fail_expected("a number, a name or '('", "数字、变量名或“(”")
        raise AssertionError("unreachable")

    def call(self, name: _Token) -> Node:
        if name.text not in FUNCTIONS:
            raise FormulaError(
                "unknown_function",
                f"unknown function {name.text!r} (allowed: {', '.join(FUNCTIONS)})",
                f"未知函数“{name.text}”（可用：{'、'.join(FUNCTIONS)}）",
                position=name.pos,
                name=name.text,
            )
        self.take()  # '('
        self.nest()
        args = [self.expr()]
        while self.tok.kind == ",":
            self.take()
            args.append(self.expr())
        self.expect(")", "',' or ')'", "“,”或“)”")
        self.depth -= 1
        low, high = FUNCTIONS[name.text]
        if len(args) < low or (high is not None and len(args) > high):
            want = str(low) if high == low else f"at least {low}"
            want_zh = f" {low} " if high == low else f"至少 {low} "
            raise FormulaError(
                "arguments",
                f"{name.text}() takes {want} argument(s), not {len(args)}",
                f"{name.text}() 需要{want_zh}个参数，而不是 {len(args)} 个",
                position=name.pos,
                name=name.text,
            )
        return Call(name.text, tuple(args), name.pos)


def check_name(name: str, pos: int) -> None:
    if name.startswith("_"):
        raise FormulaError(
            "name",
            f"{name!r}: names beginning with '_' are not allowed",
            f"“{name}”：不允许以“_”开头的名称",
            position=pos,
            name=name,
        )


@dataclass(frozen=True)
class Step:
    """One step of a formula: `name = expr` (an intermediate) or the final expression."""

    name: str  # '' for the unnamed result
    expr: Node
    pos: int = field(default=0, compare=False)


def first_use(steps: Iterable[Step], name: str) -> int | None:
    for step in steps:
        for node in _walk(step.expr):
            if isinstance(node, Name) and node.name == name:
                return node.pos
    return None


def _walk(node: Node) -> Iterable[Node]:
    stack: list[Node] = [node]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, Unary):
            stack.append(current.operand)
        elif isinstance(current, Binary):
            stack.extend((current.right, current.left))
        elif isinstance(current, Call):
            stack.extend(reversed(current.args))


# ----- compiling to closures (the fast path) ---------------------------------------------


def parse_steps(text: str, declared: Iterable[str] | None = None) -> tuple[list[Step], list[str]]:
    """The steps of `text` and the input names they read (in order of first use).

    `declared` (if given) are the only input names allowed.
    """
    if not isinstance(text, str):
        raise FormulaError("text", "the formula must be text", "公式须为文本")
    if len(text) > MAX_LENGTH:
        raise FormulaError(
            "length",
            f"the formula is {len(text)} characters long; at most {MAX_LENGTH}",
            f"公式长 {len(text)} 个字符，最多 {MAX_LENGTH} 个",
        )
    allowed = None if declared is None else set(declared)
    tokens = _tokenize(text)
    parser = _Parser(tokens)
    steps: list[Step] = []
    defined: set[str] = set()
    inputs: list[str] = []
    while True:
        while parser.tok.kind == "sep":
            parser.take()
        if parser.tok.kind == "end":
            break
        start = parser.tok.pos
        name = ""
        if parser.tok.kind == "name" and parser.tokens[parser.i + 1].kind == "=":
            target = parser.take()
            parser.take()  # '='
            check_name(target.text, target.pos)
            name = target.text
            if name in FUNCTIONS:
                raise FormulaError(
                    "name",
                    f"{name!r} is a function and cannot name a value",
                    f"“{name}”是函数名，不能用作变量名",
                    position=target.pos,
                    name=name,
                )
        expr = parser.expr()
        if parser.tok.kind not in ("sep", "end"):
            tok = parser.tok
            if tok.kind == "=":
                raise FormulaError(
                    "syntax",
                    "'=' must follow a single name at the start of a step",
                    "“=”只能跟在一步开头的单个变量名后",
                    position=tok.pos,
                )
            parser.fail_expected("an operator or the end", "运算符或结尾")
        for node in _walk(expr):
            if isinstance(node, Name) and node.name not in defined:
                if node.name in FUNCTIONS:
                    raise FormulaError(
                        "syntax",
                        f"function {node.name!r} needs its arguments in brackets",
                        f"函数“{node.name}”须带括号参数",
                        position=node.pos,
                        name=node.name,
                    )
                if allowed is not None and node.name not in allowed:
                    known_zh = "、".join(sorted(allowed)) or "无"
                    raise FormulaError(
                        "unknown_variable",
                        f"unknown variable {node.name!r} (declared: "
                        f"{', '.join(sorted(allowed)) or 'none'})",
                        f"未声明的变量“{node.name}”（已声明：{known_zh}）",
                        position=node.pos,
                        name=node.name,
                    )
                if node.name not in inputs:
                    inputs.append(node.name)
        if name:
            if name in defined or name in inputs or (allowed is not None and name in allowed):
                raise FormulaError(
                    "reassigned",
                    f"{name!r} already has a value; a step cannot change it",
                    f"“{name}”已有值，不能重新赋值",
                    position=start,
                    name=name,
                )
            defined.add(name)
        steps.append(Step(name, expr, start))
    if not steps:
        raise FormulaError("empty", "the formula is empty", "公式为空", position=0)
    return steps, inputs
