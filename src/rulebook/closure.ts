/**
 * A rule condition as a plain JavaScript function, for the conditions that are simple enough:
 * literals, `record.x` / `features.x` / `params.x`, `has()`, `&&`, `||`, `!`, `?:`, comparisons of
 * numbers, equality of strings and booleans, and `in` a list of literals. Anything else (arithmetic,
 * functions, macros, maps, strings compared by order) leaves the condition to the CEL interpreter.
 *
 * The function reads plain values — numbers where CEL has `int` or `double` — and answers as the
 * interpreter does on the same values, errors included: a missing field is an error; `&&` and `||`
 * are commutative over errors as CEL defines them (`error && false` is false, `error || true` is
 * true). Equal answers on random inputs are checked by src/screening/closure.test.ts.
 */
import type { ASTNode } from '@marcbachmann/cel-js';

export type CelType = 'int' | 'double' | 'string' | 'bool';

/** True when the condition holds for these plain values; throws where the interpreter throws. */
export type PlainCondition = (record: Readonly<Record<string, unknown>>, features: Readonly<Record<string, unknown>>, params: Readonly<Record<string, unknown>>) => boolean;

type Values = Readonly<Record<string, unknown>>;
type Eval = (record: Values, features: Values, params: Values) => unknown;
interface Compiled {
  type: CelType;
  run: Eval;
}

const VARIABLES = ['record', 'features', 'params'] as const;

/** A node the closure does not cover: the condition stays with the interpreter. */
class Unsupported extends Error {}

function noSuchKey(name: string): never {
  throw new Error(`No such key: ${name}`);
}

function expectBool(value: unknown): boolean {
  if (typeof value !== 'boolean') throw new Error(`no such overload: expected bool, got ${typeof value}`);
  return value;
}

const numeric = (type: CelType) => type === 'int' || type === 'double';

function literal(value: unknown): Compiled {
  if (typeof value === 'bigint') {
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) throw new Unsupported('int literal beyond 2^53');
    const n = Number(value);
    return { type: 'int', run: () => n };
  }
  if (typeof value === 'number') return { type: 'double', run: () => value };
  if (typeof value === 'string') return { type: 'string', run: () => value };
  if (typeof value === 'boolean') return { type: 'bool', run: () => value };
  throw new Unsupported('literal');
}

/** `record.x`, `features.x` or `params.x`: which variable, and the field's name. */
function memberOf(node: ASTNode): { index: 0 | 1 | 2; name: string } {
  if (node.op !== '.') throw new Unsupported(node.op);
  const [base, name] = node.args;
  if (base.op !== 'id') throw new Unsupported('member of an expression');
  const index = VARIABLES.indexOf(base.args as (typeof VARIABLES)[number]);
  if (index < 0) throw new Unsupported(`variable ${String(base.args)}`);
  return { index: index as 0 | 1 | 2, name };
}

function compileNode(node: ASTNode, typeOf: (variable: (typeof VARIABLES)[number], name: string) => CelType | undefined): Compiled {
  const sub = (n: ASTNode) => compileNode(n, typeOf);
  switch (node.op) {
    case 'value':
      return literal(node.args);
    case '.': {
      const { index, name } = memberOf(node);
      const type = typeOf(VARIABLES[index], name);
      if (!type) throw new Unsupported(`unknown ${VARIABLES[index]}.${name}`);
      const run: Eval =
        index === 0
          ? (r) => (r[name] === undefined ? noSuchKey(name) : r[name])
          : index === 1
            ? (_r, f) => (f[name] === undefined ? noSuchKey(name) : f[name])
            : (_r, _f, p) => (p[name] === undefined ? noSuchKey(name) : p[name]);
      return { type, run };
    }
    case 'call': {
      const [name, args] = node.args;
      if (name !== 'has' || args.length !== 1) throw new Unsupported(`function ${name}`);
      const { index, name: field } = memberOf(args[0]!);
      const run: Eval = index === 0 ? (r) => r[field] !== undefined : index === 1 ? (_r, f) => f[field] !== undefined : (_r, _f, p) => p[field] !== undefined;
      return { type: 'bool', run };
    }
    case '!_': {
      const operand = sub(node.args);
      if (operand.type !== 'bool') throw new Unsupported('! of a non-bool');
      return { type: 'bool', run: (r, f, p) => !expectBool(operand.run(r, f, p)) };
    }
    case '&&':
    case '||': {
      const left = sub(node.args[0]);
      const right = sub(node.args[1]);
      if (left.type !== 'bool' || right.type !== 'bool') throw new Unsupported(`${node.op} of a non-bool`);
      // CEL: the first operand that decides wins, whichever side it is on; an error only when none decides.
      const decisive = node.op === '||';
      return {
        type: 'bool',
        run: (r, f, p) => {
          let leftValue: boolean;
          try {
            leftValue = expectBool(left.run(r, f, p));
          } catch (error) {
            if (rightOf(right, r, f, p) === decisive) return decisive;
            throw error;
          }
          return leftValue === decisive ? decisive : expectBool(right.run(r, f, p));
        },
      };
    }
    case '?:': {
      const [condition, then, otherwise] = node.args.map(sub) as [Compiled, Compiled, Compiled];
      if (condition.type !== 'bool' || then.type !== otherwise.type) throw new Unsupported('?: of mixed types');
      return { type: then.type, run: (r, f, p) => (expectBool(condition.run(r, f, p)) ? then.run(r, f, p) : otherwise.run(r, f, p)) };
    }
    case '==':
    case '!=': {
      const left = sub(node.args[0]);
      const right = sub(node.args[1]);
      const comparable = (numeric(left.type) && numeric(right.type)) || left.type === right.type;
      if (!comparable) throw new Unsupported(`${left.type} ${node.op} ${right.type}`);
      return node.op === '==' ? { type: 'bool', run: (r, f, p) => left.run(r, f, p) === right.run(r, f, p) } : { type: 'bool', run: (r, f, p) => left.run(r, f, p) !== right.run(r, f, p) };
    }
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const left = sub(node.args[0]);
      const right = sub(node.args[1]);
      // Strings are ordered by code point in CEL and by UTF-16 unit in JavaScript: left to CEL.
      if (!numeric(left.type) || !numeric(right.type)) throw new Unsupported(`${left.type} ${node.op} ${right.type}`);
      const l = left.run;
      const rr = right.run;
      switch (node.op) {
        case '<':
          return { type: 'bool', run: (r, f, p) => (l(r, f, p) as number) < (rr(r, f, p) as number) };
        case '<=':
          return { type: 'bool', run: (r, f, p) => (l(r, f, p) as number) <= (rr(r, f, p) as number) };
        case '>':
          return { type: 'bool', run: (r, f, p) => (l(r, f, p) as number) > (rr(r, f, p) as number) };
        default:
          return { type: 'bool', run: (r, f, p) => (l(r, f, p) as number) >= (rr(r, f, p) as number) };
      }
    }
    case 'in': {
      const [element, list] = node.args;
      if (list.op !== 'list') throw new Unsupported('in of a non-literal list');
      if (!list.args.every((item) => item.op === 'value')) throw new Unsupported('in of a list of expressions');
      const needle = sub(element);
      const items = list.args.map(sub);
      if (!items.every((item) => item.type === needle.type || (numeric(item.type) && numeric(needle.type)))) throw new Unsupported('in of mixed types');
      const values = new Set(items.map((item) => item.run({}, {}, {})));
      return { type: 'bool', run: (r, f, p) => values.has(needle.run(r, f, p)) };
    }
    default:
      throw new Unsupported(node.op);
  }
}

/** The right operand's value when the left one failed; a failure there too counts as undecided. */
function rightOf(right: Compiled, r: Values, f: Values, p: Values): boolean | undefined {
  try {
    return expectBool(right.run(r, f, p));
  } catch {
    return undefined;
  }
}

/**
 * The condition as a plain function, or undefined when it uses something the closure does not
 * cover. `typeOf` gives the CEL type of `record.x`, `features.x` and `params.x`.
 */
export function plainCondition(ast: ASTNode, typeOf: (variable: 'record' | 'features' | 'params', name: string) => CelType | undefined): PlainCondition | undefined {
  let compiled: Compiled;
  try {
    compiled = compileNode(ast, typeOf);
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
  if (compiled.type !== 'bool') return undefined;
  const run = compiled.run;
  return (record, features, params) => run(record, features, params) === true;
}
