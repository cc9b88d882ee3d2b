/**
 * The federated worker: a federation client's whole life (rounds can take hours) and the operator's create, on their
 * own worker so training, scoring and previews stay free meanwhile. Cancel terminates it; the store keeps where the
 * client stood, so it can be resumed.
 */
import { expose } from '../src/lib/bridge/expose.ts';
import { createFederation, federate, type CreateFederationRequest, type FederateProgress, type FederateRequest } from '../src/lib/jobs/federated-job.ts';

const api = {
  federate: (req: FederateRequest, onProgress: (p: FederateProgress) => void) => federate(req, { onProgress }),
  createFederation: (req: CreateFederationRequest) => createFederation(req)
};

export type FederatedWorkerApi = typeof api;
expose(api);
