/**
 * A small, safe expression language for device profiles (no `eval`):
 * numbers, 'strings' or "strings", true/false/null, identifiers (point names; a name
 * with other characters goes in backticks: `ns=1;s=Press1.Speed`), arithmetic
 * `+ - * / %`, comparison `== != < <= > >=`, logic `&& || !`, `c ? a : b`, parentheses
 * and the functions min, max, abs, round, floor, ceil, coalesce, bit(value, n).
 * @example compileExpr("errorCode != 0 || estop ? 'down' : 'running'").evaluate({ errorCode: 0, estop: false })
 */
export type ExprValue = number | string | boolean | null;
export type Scope = Readonly<Record<string, ExprValue | undefined>>;

export interface CompiledExpr {
  source: string;
  /** Every identifier the expression reads. */
  inputs: string[];
  evaluate(scope: Scope): ExprValue;
}

export class ExprSyntaxError extends Error {
  override readonly name = "ExprSyntaxError";
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
  }
}

type Node =
  | { t: "lit"; v: ExprValue }
  | { t: "id"; name: string }
  | { t: "un"; op: string; a: Node }
  | { t: "bin"; op: string; a: Node; b: Node }
  | { t: "cond"; c: Node; a: Node; b: Node }
  | { t: "call"; fn: string; args: Node[] };

interface Token {
  k: "num" | "str" | "id" | "op" | "end";
  v: string;
  at: number;
}

const OPS = [
  "==",
  "!=",
  "<=",
  ">=",
  "&&",
  "||",
  "+",
  "-",
  "*",
  "/",
  "%",
  "<",
  ">",
  "!",
  "?",
  ":",
  "(",
  ")",
  ",",
];

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src.charAt(i);
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const num = /^(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?/.exec(src.slice(i));
    if (num) {
      out.push({ k: "num", v: num[0], at: i });
      i += num[0].length;
      continue;
    }
    if (c === "'" || c === '"' || c === "`") {
      const end = src.indexOf(c, i + 1);
      if (end < 0) throw new ExprSyntaxError(`unclosed ${c}`, i);
      out.push({ k: c === "`" ? "id" : "str", v: src.slice(i + 1, end), at: i });
      i = end + 1;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(src.slice(i));
    if (id) {
      out.push({ k: "id", v: id[0], at: i });
      i += id[0].length;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new ExprSyntaxError(`unexpected "${c}"`, i);
    out.push({ k: "op", v: op, at: i });
    i += op.length;
  }
  out.push({ k: "end", v: "", at: src.length });
  return out;
}

const BINARY: Record<string, number> = {
  "||": 1,
  "&&": 2,
  "==": 3,
  "!=": 3,
  "<": 4,
  "<=": 4,
  ">": 4,
  ">=": 4,
  "+": 5,
  "-": 5,
  "*": 6,
  "/": 6,
  "%": 6,
};

function parse(src: string): Node {
  const toks = tokenize(src);
  let p = 0;
  const peek = () => toks[p] ?? { k: "end", v: "", at: src.length };
  const next = () => toks[p++] ?? { k: "end", v: "", at: src.length };
  const expect = (v: string) => {
    const t = next();
    if (t.k !== "op" || t.v !== v) throw new ExprSyntaxError(`expected "${v}"`, t.at);
  };
  const primary = (): Node => {
    const t = next();
    if (t.k === "num") return { t: "lit", v: Number(t.v) };
    if (t.k === "str") return { t: "lit", v: t.v };
    if (t.k === "op" && (t.v === "!" || t.v === "-")) return { t: "un", op: t.v, a: unaryOperand() };
    if (t.k === "op" && t.v === "(") {
      const e = expr();
      expect(")");
      return e;
    }
    if (t.k === "id") {
      if (t.v === "true" || t.v === "false") return { t: "lit", v: t.v === "true" };
      if (t.v === "null") return { t: "lit", v: null };
      if (peek().k === "op" && peek().v === "(" && FUNCS[t.v]) {
        next();
        const args: Node[] = [];
        if (!(peek().k === "op" && peek().v === ")"))
          for (;;) {
            args.push(expr());
            if (peek().k === "op" && peek().v === ",") next();
            else break;
          }
        expect(")");
        return { t: "call", fn: t.v, args };
      }
      return { t: "id", name: t.v };
    }
    throw new ExprSyntaxError(t.k === "end" ? "unexpected end of expression" : `unexpected "${t.v}"`, t.at);
  };
  const unaryOperand = (): Node => primary();
  const binary = (minPrec: number): Node => {
    let left = primary();
    for (;;) {
      const t = peek();
      const prec = t.k === "op" ? BINARY[t.v] : undefined;
      if (prec === undefined || prec < minPrec) return left;
      next();
      left = { t: "bin", op: t.v, a: left, b: binary(prec + 1) };
    }
  };
  const expr = (): Node => {
    const c = binary(1);
    if (peek().k === "op" && peek().v === "?") {
      next();
      const a = expr();
      expect(":");
      return { t: "cond", c, a, b: expr() };
    }
    return c;
  };
  const root = expr();
  const end = peek();
  if (end.k !== "end") throw new ExprSyntaxError(`unexpected "${end.v}"`, end.at);
  return root;
}

const num = (v: ExprValue): number =>
  typeof v === "number" ? v : typeof v === "boolean" ? Number(v) : Number.NaN;
const truthy = (v: ExprValue): boolean =>
  v !== null && v !== false && v !== 0 && v !== "" && !Number.isNaN(v);
const nums = (args: ExprValue[]) => args.map(num);

const FUNCS: Record<string, (args: ExprValue[]) => ExprValue> = {
  min: (a) => Math.min(...nums(a)),
  max: (a) => Math.max(...nums(a)),
  abs: (a) => Math.abs(num(a[0] ?? null)),
  round: (a) => Math.round(num(a[0] ?? null)),
  floor: (a) => Math.floor(num(a[0] ?? null)),
  ceil: (a) => Math.ceil(num(a[0] ?? null)),
  coalesce: (a) => a.find((v) => v !== null) ?? null,
  bit: (a) => (num(a[0] ?? null) >>> num(a[1] ?? null)) % 2 === 1,
};

function evalNode(n: Node, s: Scope): ExprValue {
  switch (n.t) {
    case "lit":
      return n.v;
    case "id":
      return s[n.name] ?? null;
    case "un": {
      const a = evalNode(n.a, s);
      return n.op === "!" ? !truthy(a) : -num(a);
    }
    case "cond":
      return truthy(evalNode(n.c, s)) ? evalNode(n.a, s) : evalNode(n.b, s);
    case "call":
      return (FUNCS[n.fn] ?? (() => null))(n.args.map((a) => evalNode(a, s)));
    case "bin":
      return evalBinary(n.op, n.a, n.b, s);
  }
}

function evalBinary(op: string, an: Node, bn: Node, s: Scope): ExprValue {
  if (op === "&&") return truthy(evalNode(an, s)) && truthy(evalNode(bn, s));
  if (op === "||") return truthy(evalNode(an, s)) || truthy(evalNode(bn, s));
  const a = evalNode(an, s);
  const b = evalNode(bn, s);
  switch (op) {
    case "==":
      return a === b || (typeof a !== typeof b && a !== null && b !== null && num(a) === num(b));
    case "!=":
      return !(a === b || (typeof a !== typeof b && a !== null && b !== null && num(a) === num(b)));
    case "+":
      return typeof a === "string" || typeof b === "string" ? `${a ?? ""}${b ?? ""}` : num(a) + num(b);
    case "-":
      return num(a) - num(b);
    case "*":
      return num(a) * num(b);
    case "/":
      return num(b) === 0 ? null : num(a) / num(b);
    case "%":
      return num(b) === 0 ? null : num(a) % num(b);
    case "<":
      return num(a) < num(b);
    case "<=":
      return num(a) <= num(b);
    case ">":
      return num(a) > num(b);
    default:
      return num(a) >= num(b);
  }
}

function collect(n: Node, out: Set<string>): void {
  if (n.t === "id") out.add(n.name);
  else if (n.t === "un") collect(n.a, out);
  else if (n.t === "bin") {
    collect(n.a, out);
    collect(n.b, out);
  } else if (n.t === "cond") {
    collect(n.c, out);
    collect(n.a, out);
    collect(n.b, out);
  } else if (n.t === "call") for (const a of n.args) collect(a, out);
}

/** Parse once, evaluate many times. Throws {@link ExprSyntaxError} with the character offset. */
export function compileExpr(source: string): CompiledExpr {
  const ast = parse(source);
  const ids = new Set<string>();
  collect(ast, ids);
  return {
    source,
    inputs: [...ids],
    evaluate: (scope) => {
      const v = evalNode(ast, scope);
      return typeof v === "number" && !Number.isFinite(v) ? null : v;
    },
  };
}
