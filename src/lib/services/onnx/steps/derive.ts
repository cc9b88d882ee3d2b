/**
 * `derive`: the formula's tree as float64 ops, with the studio's rules for missing cells: a missing operand makes the
 * result missing (NaN, guarded where IEEE would not propagate it: comparisons, pow(1, NaN), if()), and a result that
 * is not finite (a division by zero, log(0), overflow) is missing. Walked with an explicit stack: a 5,000-term sum is
 * a tree 5,000 deep.
 */
import * as v from 'valibot';
import type { DeriveParams } from '../../../core/recipe/steps/derive.ts';
import { children, type Node } from '../../../core/recipe/expression.ts';
import type { Graph } from '../graph.ts';
import { asDouble, columnAt, finiteOrNaN, requireKind, unsupported, type StepInput } from '../ops.ts';
import { stateOf } from './state.ts';

const schema = v.object({ type: v.picklist(['float', 'boolean']) });

/** A value and whether it has a row dimension (a constant sub-formula is a scalar). */
interface Val { name: string; rows: boolean }

const COMPARE = { '<': 'Less', '<=': 'LessOrEqual', '>': 'Greater', '>=': 'GreaterOrEqual', '==': 'Equal', '!=': 'Equal' } as const;
const UNARY = new Map([['log', 'Log'], ['exp', 'Exp'], ['sqrt', 'Sqrt'], ['abs', 'Abs'], ['floor', 'Floor'], ['ceil', 'Ceil']]);

export function deriveStep(s: StepInput<DeriveParams>): void {
  const { type } = stateOf(s, schema);
  const out = walk(s, s.params.derivation.root);
  if (!out.rows) throw unsupported(`a formula without columns`, `${s.label} ("${s.params.name}") reads no column; write the constant as a column of the data instead.`, { step: s.index, column: s.params.name });
  s.columns.set(s.params.name, { kind: 'numeric', type, value: out.name });
}

function walk(s: StepInput<DeriveParams>, root: Node): Val {
  const stack: { node: Node; args: Val[] }[] = [{ node: root, args: [] }];
  let result: Val | undefined;
  while (stack.length) {
    const f = stack[stack.length - 1];
    const kids = children(f.node);
    if (f.args.length < kids.length) {
      stack.push({ node: kids[f.args.length], args: [] });
      continue;
    }
    stack.pop();
    const val = combine(s, f.node, f.args);
    if (stack.length) stack[stack.length - 1].args.push(val);
    else result = val;
  }
  return result!;
}

function combine(s: StepInput<DeriveParams>, node: Node, args: Val[]): Val {
  const g = s.g;
  const rows = args.some((a) => a.rows);
  const names = args.map((a) => a.name);
  const val = (name: string, r = rows): Val => ({ name, rows: r });
  switch (node.type) {
    case 'number': return val(g.double(node.value), false);
    case 'column': {
      const c = columnAt(s, node.name);
      if (!c) throw unsupported(`a formula reading the target`, `${s.label} reads "${node.name}".`, { step: s.index });
      requireKind(s, node.name, c, 'numeric');
      return val(finiteOrNaN(g, c.value), true);
    }
    case 'neg': return val(g.op('Neg', names));
    case 'binary':
      if (node.op === '^') return val(pow(g, names[0], names[1]));
      return val(finiteOrNaN(g, g.op({ '+': 'Add', '-': 'Sub', '*': 'Mul', '/': 'Div' }[node.op], names)));
    case 'compare': {
      let b = g.op(COMPARE[node.op], names);
      if (node.op === '!=') b = g.op('Not', [b]);
      return val(g.op('Where', [anyNaN(g, names), g.double(NaN), asDouble(g, b)]));
    }
    case 'call': {
      const unary = UNARY.get(node.fn);
      if (unary) return val(finiteOrNaN(g, g.op(unary, names)));
      switch (node.fn) {
        case 'pow': return val(pow(g, names[0], names[1]));
        case 'min': case 'max': return val(g.op(node.fn === 'min' ? 'Min' : 'Max', names)); // both propagate NaN
        case 'clip': return val(g.op('Min', [names[2], g.op('Max', [names[1], names[0]])]));
        case 'round': return val(round(g, names[0], names[1]));
        case 'if': {
          const pick = g.op('Where', [g.op('Not', [g.op('Equal', [names[0], g.double(0)])]), names[1], names[2]]);
          return val(g.op('Where', [g.op('IsNaN', [names[0]]), g.double(NaN), pick]));
        }
      }
      throw unsupported(`the function ${node.fn}()`, `${s.label} uses it.`, { step: s.index });
    }
  }
}

function anyNaN(g: Graph, names: string[]): string {
  return names.map((n) => g.op('IsNaN', [n])).reduce((a, b) => g.op('Or', [a, b]));
}

/** a ^ b, missing when either is (C's pow(1, NaN) is 1; the studio's is missing) or the result is not finite. */
function pow(g: Graph, a: string, b: string): string {
  return g.op('Where', [anyNaN(g, [a, b]), g.double(NaN), finiteOrNaN(g, g.op('Pow', [a, b]))]);
}

/** Half away from zero, at `digits` (truncated) decimals: sign(x) · floor(|x| · 10^d + 0.5) / 10^d + 0. */
function round(g: Graph, x: string, digits?: string): string {
  const f = digits ? g.op('Pow', [g.double(10), truncate(g, digits)]) : g.double(1);
  const r = g.op('Div', [g.op('Floor', [g.op('Add', [g.op('Mul', [g.op('Abs', [x]), f]), g.double(0.5)])]), f]);
  return finiteOrNaN(g, g.op('Add', [g.op('Mul', [g.op('Sign', [x]), r]), g.double(0)]));
}

function truncate(g: Graph, x: string): string {
  return g.op('Where', [g.op('Less', [x, g.double(0)]), g.op('Ceil', [x]), g.op('Floor', [x])]);
}
