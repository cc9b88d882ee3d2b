/** A saved model's predictions as graph nodes: networks, kNN, and an ensemble as the mean of its members. */
import type { LoadedModel } from '../../../ml/models/saved.ts';
import type { Graph } from '../graph.ts';
import { unsupported } from '../ops.ts';
import { knnGraph } from './knn.ts';
import { networkGraph } from './network.ts';

/** Classification: probabilities [N, k]; regression: values [N, 1]. `x` is the float32 feature matrix [N, d]. */
export function modelGraph(g: Graph, m: LoadedModel, x: string): string {
  switch (m.spec.algorithm) {
    case 'linear':
    case 'logistic':
    case 'mlp':
      return networkGraph(g, m, x);
    case 'knn':
      return knnGraph(g, m, x);
    case 'ensemble': {
      const members = (m.members ?? []).map((sub) => {
        if (sub.spec.algorithm === 'ensemble') throw unsupported('an ensemble inside an ensemble', 'list its members instead.');
        return modelGraph(g, sub, x);
      });
      // Summed in member order, then divided, as EnsembleModel.predict does.
      const sum = members.reduce((a, b) => g.op('Add', [a, b]));
      return members.length === 1 ? sum : g.op('Div', [sum, g.float(members.length)]);
    }
  }
}
