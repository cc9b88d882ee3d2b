/**
 * A small ONNX graph builder over onnx-proto: every node has one output (opN for more), constants become initializers
 * (stored once per value), and `encode` keeps only what the outputs need, so the model's inputs are exactly the source
 * columns its features depend on. Opset 19 is the first where Equal compares strings (category tests without the
 * ai.onnx.ml domain); IR version 9 goes with it. onnxruntime-web 1.31 runs both.
 */
import onnxProto from 'onnx-proto';
import type { onnx as P } from 'onnx-proto';
import { EnclaveError } from '../../core/errors.ts';

export const { onnx } = onnxProto;
export const OPSET = 19;
export const IR_VERSION = 9;
export const DT = onnx.TensorProto.DataType;

/** Names the builder makes start with this; no source column may, so an input can never shadow one. */
export const INTERNAL = 'enclave/';

type Attr = number | number[];

export interface Output {
  name: string;
  value: string;
  elemType: number;
  /** Dimensions: a number, or a name for a dimension known only at run time ('N' rows). */
  dims: (number | string)[];
}

function valueInfo(name: string, elemType: number, dims: (number | string)[]): P.IValueInfoProto {
  return { name, type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } } };
}

function attribute(name: string, value: Attr): P.IAttributeProto {
  const A = onnx.AttributeProto.AttributeType;
  return Array.isArray(value) ? { name, type: A.INTS, ints: value } : { name, type: A.INT, i: value };
}

function bytesOf(a: Float64Array | Float32Array | BigInt64Array): Uint8Array {
  // Copied little-endian: ONNX raw data is little-endian whatever the machine.
  const out = new Uint8Array(a.byteLength);
  const view = new DataView(out.buffer);
  const step = a.BYTES_PER_ELEMENT;
  for (let i = 0; i < a.length; i++) {
    if (a instanceof Float64Array) view.setFloat64(i * step, a[i], true);
    else if (a instanceof Float32Array) view.setFloat32(i * step, a[i], true);
    else view.setBigInt64(i * step, a[i], true);
  }
  return out;
}

export class Graph {
  private readonly nodes: P.INodeProto[] = [];
  private readonly initializers = new Map<string, P.ITensorProto>();
  private readonly constants = new Map<string, string>();
  private readonly inputs = new Map<string, P.IValueInfoProto>();
  private count = 0;

  private fresh(hint: string): string {
    return `${INTERNAL}${this.count++}/${hint}`;
  }

  /** A graph input of shape [N, 1] (one source column). */
  input(name: string, elemType: number): string {
    if (name.startsWith(INTERNAL)) throw new EnclaveError('invalid-argument', `ONNX export does not support the column name "${name}" yet: names starting "${INTERNAL}" are the exporter's own.`, { column: name });
    this.inputs.set(name, valueInfo(name, elemType, ['N', 1]));
    return name;
  }

  /** One node; returns its output's name. Attributes are integers or lists of integers (all this exporter needs). */
  op(type: string, inputs: string[], attrs: Record<string, Attr> = {}, domain = ''): string {
    return this.opN(type, inputs, 1, attrs, domain)[0];
  }

  opN(type: string, inputs: string[], outputs: number, attrs: Record<string, Attr> = {}, domain = ''): string[] {
    const names = Array.from({ length: outputs }, () => this.fresh(type));
    this.nodes.push({ opType: type, domain, input: inputs, output: names, attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)) });
    return names;
  }

  private constant(key: string, make: () => P.ITensorProto): string {
    let name = this.constants.get(key);
    if (!name) {
      name = this.fresh('const');
      this.initializers.set(name, { ...make(), name });
      this.constants.set(key, name);
    }
    return name;
  }

  /** float64 constant: a scalar, or values with the given dims. */
  double(values: number | ArrayLike<number>, dims: number[] = []): string {
    const a = Float64Array.from(typeof values === 'number' ? [values] : Array.from(values));
    const key = `d${dims.join('x')}:${Array.from(a, (x) => (Object.is(x, -0) ? '-0' : String(x))).join(',')}`;
    return this.constant(key, () => ({ dataType: DT.DOUBLE, dims, rawData: bytesOf(a) }));
  }

  float(values: number | ArrayLike<number>, dims: number[] = []): string {
    const a = Float32Array.from(typeof values === 'number' ? [values] : Array.from(values));
    // Weights are large and never repeat: keyed by a counter, not by value.
    const key = a.length > 16 ? `f#${this.count}` : `f${dims.join('x')}:${Array.from(a).join(',')}`;
    return this.constant(key, () => ({ dataType: DT.FLOAT, dims, rawData: bytesOf(a) }));
  }

  int64(values: number | number[], dims: number[] = []): string {
    const a = BigInt64Array.from((typeof values === 'number' ? [values] : values).map((x) => BigInt(x)));
    return this.constant(`i${dims.join('x')}:${a.join(',')}`, () => ({ dataType: DT.INT64, dims, rawData: bytesOf(a) }));
  }

  strings(values: string[], dims: number[] = []): string {
    const enc = new TextEncoder();
    return this.constant(`s${dims.join('x')}:${JSON.stringify(values)}`, () => ({ dataType: DT.STRING, dims, stringData: values.map((s) => enc.encode(s)) }));
  }

  /**
   * The model's bytes: only the nodes, initializers and inputs the outputs depend on (a recipe step on a column no
   * feature reads leaves nothing behind). Inputs keep the order of their first declaration.
   */
  encode(outputs: Output[], meta: { doc: (inputs: string[]) => string; properties: [string, string][] }): { bytes: Uint8Array; inputs: string[] } {
    const names = new Set(outputs.map((o) => o.name));
    for (const o of outputs) {
      if (this.inputs.has(o.name)) throw new EnclaveError('invalid-argument', `ONNX export does not support a source column named "${o.name}" yet: it is the name of an output.`, { column: o.name });
    }
    const nodes = [...this.nodes, ...outputs.map((o) => ({ opType: 'Identity', domain: '', input: [o.value], output: [o.name], attribute: [] }))];
    const needed = new Set(names);
    const kept: P.INodeProto[] = [];
    for (let i = nodes.length - 1; i >= 0; i--) {
      const n = nodes[i];
      if (!n.output!.some((o) => needed.has(o))) continue;
      kept.push(n);
      for (const x of n.input!) needed.add(x);
    }
    kept.reverse();
    const inputs = [...this.inputs.values()].filter((v) => needed.has(v.name!));
    const model: P.IModelProto = {
      irVersion: IR_VERSION,
      producerName: 'Enclave',
      producerVersion: '1',
      docString: meta.doc(inputs.map((v) => v.name!)),
      opsetImport: [{ domain: '', version: OPSET }],
      metadataProps: meta.properties.map(([key, value]) => ({ key, value })),
      graph: {
        name: 'enclave',
        node: kept,
        initializer: [...this.initializers.values()].filter((t) => needed.has(t.name!)),
        input: inputs,
        output: outputs.map((o) => valueInfo(o.name, o.elemType, o.dims)),
      },
    };
    return { bytes: onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish(), inputs: inputs.map((v) => v.name!) };
  }
}
