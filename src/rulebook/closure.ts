/**
 * A rule condition as a plain JavaScript function, for the conditions that are simple enough:
 * literals, `record.x` / `features.x` / `params.x`, `has()`, `&&`, `||`, `!`, `?:`, comparisons of
 * numbers and of strings (by UTF-16 unit, as the interpreter orders them), equality of booleans, `in` a list of
 * literals, `+` and `-` of two ints or two doubles, and `times()`. Anything else (other arithmetic,
 * other functions, macros, maps) leaves the condition to the CEL interpreter.
 *
 * The function reads plain values — numbers where CEL has `int` or `double` — and answers as the
 * interpreter does on the same values, errors included: a missing field is an error; `&&` and `||`
 * are commutative over errors as CEL defines them (`error && false` is false, `error || true` is
 * true). Where a plain number cannot hold the exact answer (an int sum beyond 2^53, which CEL's
 * 64-bit ints still hold), it throws NEEDS_INTERPRETER and the caller asks the interpreter. Equal
 * answers on random inputs are checked by src/screening/closure.test.ts and
 * src/monitoring/closure.test.ts.
 *
 * The condition becomes the source of one function (each field read its own property access, so
 * V8 sees one shape at each instead of every rule's field names at a shared one), built once with
 * `new Function`: names and string literals enter it only as JSON string literals, numbers only
 * when finite, and everything else as a constant passed in.
 */
import type { ASTNode } from '@marcbachmann/cel-js';

export type CelType = 'int' | 'double' | 'string' | 'bool';

/** True when the condition holds for these plain values; throws where the interpreter throws. */
export type PlainCondition = (record: Readonly<Record<string, unknown>>, features: Readonly<Record<string, unknown>>, params: Readonly<Record<string, unknown>>) => boolean;

/** A node's JavaScript: statements to run first, then an expression of its value. */
interface Generated {
  type: CelType;
  statements: string[];
  expression: string;
  /** The expression is always a JavaScript boolean (no check needed where a bool is expected). */
  boolean: boolean;
  /** Neither the statements nor the expression can throw. */
  safe: boolean;
}

const VARIABLES = ['record', 'features', 'params'] as const;
const NAMES = ['r', 'f', 'p'] as const;

/** A node the generator does not cover: the condition stays with the interpreter. */
class Unsupported extends Error {}

/**
 * Thrown by a plain function that cannot give the interpreter's answer with plain numbers: the
 * caller evaluates the condition with the interpreter instead. One object, so throwing it is cheap.
 */
export const NEEDS_INTERPRETER: Error = Object.freeze(new Error('the condition needs the CEL interpreter for these values'));

function needsInterpreter(): never {
  throw NEEDS_INTERPRETER;
}

/** a × b rounded to 12 decimal places: the product of two decimals as written, not its binary approximation (`times()`). */
export function decimalProduct(a: number, b: number): number {
  return Number((a * b).toFixed(12));
}

function noSuchKey(name: string): never {
  throw new Error(`No such key: ${name}`);
}

function expectBool(value: unknown): boolean {
  if (typeof value !== 'boolean') throw new Error(`no such overload: expected bool, got ${typeof value}`);
  return value;
}

const numeric = (type: CelType) => type === 'int' || type === 'double';

class Generator {
  private temps = 0;
  readonly constants: unknown[] = [];

  private temp(): string {
    return `t${this.temps++}`;
  }

  private constant(value: unknown): string {
    this.constants.push(value);
    return `k[${this.constants.length - 1}]`;
  }

  private literal(value: unknown): Generated {
    const of = (type: CelType, expression: string): Generated => ({ type, statements: [], expression, boolean: type === 'bool', safe: true });
    if (typeof value === 'bigint') {
      if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) throw new Unsupported('int literal beyond 2^53');
      return of('int', `(${String(Number(value))})`);
    }
    if (typeof value === 'number') return of('double', Number.isFinite(value) && !Object.is(value, -0) ? `(${String(value)})` : this.constant(value));
    if (typeof value === 'string') return of('string', JSON.stringify(value));
    if (typeof value === 'boolean') return of('bool', value ? 'true' : 'false');
    throw new Unsupported('literal');
  }

  /** `record.x`, `features.x` or `params.x`: which variable, and the field's name. */
  private memberOf(node: ASTNode): { index: 0 | 1 | 2; name: string } {
    if (node.op !== '.') throw new Unsupported(node.op);
    const [base, name] = node.args;
    if (base.op !== 'id') throw new Unsupported('member of an expression');
    const index = VARIABLES.indexOf(base.args as (typeof VARIABLES)[number]);
    if (index < 0) throw new Unsupported(`variable ${String(base.args)}`);
    return { index: index as 0 | 1 | 2, name };
  }

  /** A bool operand as a boolean, checked unless it is one already. */
  private static bool(g: Generated): string {
    return g.boolean ? g.expression : `eb(${g.expression})`;
  }

  node(node: ASTNode, typeOf: (variable: (typeof VARIABLES)[number], name: string) => CelType | undefined): Generated {
    const sub = (n: ASTNode) => this.node(n, typeOf);
    switch (node.op) {
      case 'value':
        return this.literal(node.args);
      case '.': {
        const { index, name } = this.memberOf(node);
        const type = typeOf(VARIABLES[index], name);
        if (!type) throw new Unsupported(`unknown ${VARIABLES[index]}.${name}`);
        const t = this.temp();
        const key = JSON.stringify(name);
        return { type, statements: [`const ${t} = ${NAMES[index]}[${key}];`, `if (${t} === undefined) nsk(${key});`], expression: t, boolean: false, safe: false };
      }
      case '+':
      case '-': {
        const left = sub(node.args[0]);
        const right = sub(node.args[1]);
        const statements = [...left.statements, ...right.statements];
        if (left.type === 'double' && right.type === 'double') return { type: 'double', statements, expression: `(${left.expression} ${node.op} ${right.expression})`, boolean: false, safe: left.safe && right.safe };
        if (left.type !== 'int' || right.type !== 'int') throw new Unsupported(`${left.type} ${node.op} ${right.type}`);
        // Exact while within 2^53; beyond, CEL's 64-bit ints still are: the interpreter answers.
        const t = this.temp();
        statements.push(`const ${t} = ${left.expression} ${node.op} ${right.expression};`, `if (!Number.isSafeInteger(${t})) ni();`);
        return { type: 'int', statements, expression: t, boolean: false, safe: false };
      }
      case 'call': {
        const [name, args] = node.args;
        if (name === 'times' && args.length === 2) {
          const [a, b] = args.map(sub) as [Generated, Generated];
          if (!numeric(a.type) || b.type !== 'double') throw new Unsupported(`times(${a.type}, ${b.type})`);
          return { type: 'double', statements: [...a.statements, ...b.statements], expression: `${this.constant(decimalProduct)}(${a.expression}, ${b.expression})`, boolean: false, safe: a.safe && b.safe };
        }
        if (name !== 'has' || args.length !== 1) throw new Unsupported(`function ${name}`);
        const { index, name: field } = this.memberOf(args[0]!);
        return { type: 'bool', statements: [], expression: `(${NAMES[index]}[${JSON.stringify(field)}] !== undefined)`, boolean: true, safe: true };
      }
      case '!_': {
        const operand = sub(node.args);
        if (operand.type !== 'bool') throw new Unsupported('! of a non-bool');
        return { type: 'bool', statements: operand.statements, expression: `!${Generator.bool(operand)}`, boolean: true, safe: operand.safe && operand.boolean };
      }
      case '&&':
      case '||': {
        const left = sub(node.args[0]);
        const right = sub(node.args[1]);
        if (left.type !== 'bool' || right.type !== 'bool') throw new Unsupported(`${node.op} of a non-bool`);
        // CEL: the first operand that decides wins, whichever side it is on; an error only when none decides.
        const decisive = node.op === '||' ? 'true' : 'false';
        const t = this.temp();
        const statements = [`let ${t};`];
        const leftSafe = left.safe && left.boolean;
        if (leftSafe) statements.push(...left.statements, `${t} = ${left.expression};`);
        else {
          statements.push(
            `try { ${left.statements.join(' ')} ${t} = ${Generator.bool(left)}; }`,
            `catch (error) { let other; try { ${right.statements.join(' ')} other = ${Generator.bool(right)}; } catch (inner) { if (inner === NI) throw inner; other = undefined; } if (other === ${decisive}) ${t} = ${decisive}; else throw error; }`,
          );
        }
        statements.push(`if (${t} !== ${decisive}) { ${right.statements.join(' ')} ${t} = ${Generator.bool(right)}; }`);
        return { type: 'bool', statements, expression: t, boolean: true, safe: leftSafe && right.safe && right.boolean };
      }
      case '?:': {
        const [condition, then, otherwise] = node.args.map(sub) as [Generated, Generated, Generated];
        if (condition.type !== 'bool' || then.type !== otherwise.type) throw new Unsupported('?: of mixed types');
        const t = this.temp();
        const statements = [`let ${t};`, ...condition.statements, `if (${Generator.bool(condition)}) { ${then.statements.join(' ')} ${t} = ${then.expression}; } else { ${otherwise.statements.join(' ')} ${t} = ${otherwise.expression}; }`];
        return { type: then.type, statements, expression: t, boolean: then.boolean && otherwise.boolean, safe: condition.safe && condition.boolean && then.safe && otherwise.safe };
      }
      case '==':
      case '!=':
      case '<':
      case '<=':
      case '>':
      case '>=': {
        const left = sub(node.args[0]);
        const right = sub(node.args[1]);
        if (node.op === '==' || node.op === '!=') {
          const comparable = (numeric(left.type) && numeric(right.type)) || left.type === right.type;
          if (!comparable) throw new Unsupported(`${left.type} ${node.op} ${right.type}`);
        } else if (!(numeric(left.type) && numeric(right.type)) && !(left.type === 'string' && right.type === 'string')) {
          // Numbers with numbers, strings with strings (the interpreter orders them as JavaScript does, by UTF-16 unit).
          throw new Unsupported(`${left.type} ${node.op} ${right.type}`);
        }
        const op = node.op === '==' ? '===' : node.op === '!=' ? '!==' : node.op;
        return { type: 'bool', statements: [...left.statements, ...right.statements], expression: `(${left.expression} ${op} ${right.expression})`, boolean: true, safe: left.safe && right.safe };
      }
      case 'in': {
        const [element, list] = node.args;
        if (list.op !== 'list') throw new Unsupported('in of a non-literal list');
        if (!list.args.every((item) => item.op === 'value')) throw new Unsupported('in of a list of expressions');
        const needle = sub(element);
        const items = list.args.map((item) => this.literal(item.args));
        if (!items.every((item) => item.type === needle.type || (numeric(item.type) && numeric(needle.type)))) throw new Unsupported('in of mixed types');
        const values = new Set(list.args.map((item) => (typeof item.args === 'bigint' ? Number(item.args) : item.args)));
        return { type: 'bool', statements: needle.statements, expression: `${this.constant(values)}.has(${needle.expression})`, boolean: true, safe: needle.safe };
      }
      default:
        throw new Unsupported(node.op);
    }
  }
}

/**
 * The condition as a plain function, or undefined when it uses something the generator does not
 * cover. `typeOf` gives the CEL type of `record.x`, `features.x` and `params.x`.
 */
export function plainCondition(ast: ASTNode, typeOf: (variable: 'record' | 'features' | 'params', name: string) => CelType | undefined): PlainCondition | undefined {
  const generator = new Generator();
  let generated: Generated;
  try {
    generated = generator.node(ast, typeOf);
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
  if (generated.type !== 'bool') return undefined;
  const source = `return function condition(r, f, p) { ${generated.statements.join(' ')} return ${generated.expression} === true; };`;
  // Built from the AST as the module's comment says: no text of the condition is pasted in.
  return new Function('nsk', 'eb', 'k', 'ni', 'NI', source)(noSuchKey, expectBool, generator.constants, needsInterpreter, NEEDS_INTERPRETER) as PlainCondition;
}
