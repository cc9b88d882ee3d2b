/**
 * Linear, logistic and MLP models: Gemm per layer (kernels are [in, out], as tfjs keeps them), the hidden activation,
 * then Softmax over the classes, or the de-standardised value (output · std + mean) for regression — the same float32
 * arithmetic as NetworkModel.predict.
 */
import { architecture, type NetworkSpec } from '../../../ml/models/network.ts';
import { weightOf, type LoadedModel } from '../../../ml/models/saved.ts';
import type { Graph } from '../graph.ts';

const ACTIVATION = { relu: 'Relu', tanh: 'Tanh', sigmoid: 'Sigmoid' } as const;

/** Classification: probabilities [N, k]; regression: values [N, 1]. */
export function networkGraph(g: Graph, m: LoadedModel, x: string): string {
  const arch = architecture(m.spec as NetworkSpec, m.shape);
  let h = x;
  const layers = arch.sizes.length - 1;
  for (let l = 0; l < layers; l++) {
    const [fanIn, fanOut] = [arch.sizes[l], arch.sizes[l + 1]];
    const kernel = g.float(weightOf(m, `dense_${l + 1}/kernel`, [fanIn, fanOut]), [fanIn, fanOut]);
    const bias = g.float(weightOf(m, `dense_${l + 1}/bias`, [fanOut]), [fanOut]);
    h = g.op('Gemm', [h, kernel, bias]);
    if (l < layers - 1) h = g.op(ACTIVATION[arch.activation], [h]);
  }
  if (arch.output === 'softmax') return g.op('Softmax', [h], { axis: 1 });
  const t = m.target ?? { mean: 0, std: 1 };
  return g.op('Add', [g.op('Mul', [h, g.float(t.std)]), g.float(t.mean)]);
}
